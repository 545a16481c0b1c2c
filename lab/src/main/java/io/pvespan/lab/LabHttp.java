package io.pvespan.lab;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * HTTP into a lab namespace. The stand-in, the controller and the agents listen on underlay
 * addresses that exist only inside the lab, so requests are made by {@code curl} run there with
 * {@code ip netns exec} (argument list, no shell). Credentials travel in a header file ({@code -H
 * @file}), never on a command line where {@code ps} would show them.
 */
public final class LabHttp {
  public static final String CURL = "/usr/bin/curl";
  private static final String STATUS_MARK = "\n#http-status:";

  private LabHttp() {}

  /** What came back: HTTP status (0 when nothing answered) and body. */
  public record Response(int status, String body) {
    public boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  /**
   * {@code method url} from inside {@code ns}, headers from {@code headerFile} (may be null), with
   * a JSON {@code body} (may be null). Never throws for an HTTP error or a refused connection:
   * status 0 means nothing answered.
   */
  public static Response request(
      String ns, String method, String url, Path headerFile, String body, Duration timeout) {
    return request(ns, method, url, headerFile, body, timeout, List.of());
  }

  /** As above, with more {@code curl} options (e.g. a client certificate). */
  public static Response request(
      String ns,
      String method,
      String url,
      Path headerFile,
      String body,
      Duration timeout,
      List<String> curlOptions) {
    List<String> argv =
        new ArrayList<>(
            List.of(
                Exec.IP,
                "netns",
                "exec",
                ns,
                CURL,
                "-sS",
                "-k",
                "-X",
                method,
                "--max-time",
                String.valueOf(Math.max(1, timeout.toSeconds())),
                "-w",
                STATUS_MARK + "%{http_code}"));
    argv.addAll(curlOptions);
    if (headerFile != null) {
      argv.addAll(List.of("-H", "@" + headerFile));
    }
    if (body != null) {
      argv.addAll(List.of("-H", "Content-Type: application/json", "--data-binary", body));
    }
    argv.add(url);
    Exec.Result r = Exec.attempt(timeout.plusSeconds(5), argv);
    String out = r.stdout();
    int mark = out.lastIndexOf(STATUS_MARK);
    if (mark < 0) {
      return new Response(0, r.stderr().strip());
    }
    int status = Integer.parseInt(out.substring(mark + STATUS_MARK.length()).strip());
    return new Response(status, out.substring(0, mark));
  }

  public static Response get(String ns, String url, Path headerFile) {
    return request(ns, "GET", url, headerFile, null, Duration.ofSeconds(5));
  }

  public static Response post(String ns, String url, Path headerFile) {
    return request(ns, "POST", url, headerFile, null, Duration.ofSeconds(5));
  }
}
