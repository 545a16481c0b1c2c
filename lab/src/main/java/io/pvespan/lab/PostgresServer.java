package io.pvespan.lab;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster for tests: Debian's binaries ({@code /usr/lib/postgresql/N/bin},
 * the newest N), a fresh data directory in a temp dir owned by the {@code postgres} user
 * (PostgreSQL refuses to run as root), listening on one TCP address (inside a network namespace
 * when given) and on a Unix socket in the temp dir. The superuser {@link #USER} has a random
 * password; the database is {@link #DATABASE}. {@link #close()} stops it (immediate) and deletes
 * everything. When it cannot start, {@link #start} throws: a test that needs it fails, never skips.
 */
public final class PostgresServer implements AutoCloseable {
  public static final String USER = "pvespan";
  public static final String DATABASE = "postgres";
  private static final String RUNUSER = "/usr/sbin/runuser";
  private static final Duration START = Duration.ofSeconds(60);

  private final Path bin;
  private final Path dir;
  private final String host;
  private final int port;
  private final String password;

  private PostgresServer(Path bin, Path dir, String host, int port, String password) {
    this.bin = bin;
    this.dir = dir;
    this.host = host;
    this.port = port;
    this.password = password;
  }

  /** On 127.0.0.1 of this namespace, on a free port. */
  public static PostgresServer startLocal() {
    return start(null, "127.0.0.1", freePort());
  }

  /**
   * Starts a cluster listening on {@code host:port}, inside network namespace {@code ns} (null:
   * this one).
   */
  public static PostgresServer start(String ns, String host, int port) {
    Path bin = binaries();
    Path dir;
    try {
      dir = Files.createTempDirectory("pvespan-pg-");
    } catch (IOException e) {
      throw new LabException("cannot create a temp dir for PostgreSQL: " + e, e);
    }
    String password = UUID.randomUUID().toString();
    PostgresServer pg = new PostgresServer(bin, dir, host, port, password);
    try {
      pg.initAndStart(ns);
      return pg;
    } catch (RuntimeException | IOException e) {
      pg.close();
      throw new LabException("PostgreSQL cannot start (" + bin + "): " + e.getMessage(), e);
    }
  }

  private void initAndStart(String ns) throws IOException {
    UserPrincipal postgres =
        dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
    Files.setOwner(dir, postgres);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    Path pwfile = dir.resolve("pwfile");
    Files.writeString(pwfile, password + "\n");
    Files.setOwner(pwfile, postgres);
    Files.setPosixFilePermissions(pwfile, PosixFilePermissions.fromString("rw-------"));
    Exec.run(
        Duration.ofSeconds(120),
        asPostgres(
            null,
            List.of(
                bin.resolve("initdb").toString(),
                "-D",
                data().toString(),
                "-U",
                USER,
                "--pwfile=" + pwfile,
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "-E",
                "UTF8",
                "--no-instructions")));
    Files.delete(pwfile);
    // initdb allows TCP from loopback only; the lab's controllers connect over the underlay.
    Files.writeString(
        data().resolve("pg_hba.conf"),
        "host all "
            + USER
            + " "
            + host
            + "/32 scram-sha-256\n"
            + "host all "
            + USER
            + " 198.18.0.0/15 scram-sha-256\n",
        java.nio.file.StandardOpenOption.APPEND);
    // Only a test's data: durability off for speed on shared cores.
    String options =
        "-c listen_addresses="
            + host
            + " -p "
            + port
            + " -k "
            + dir
            + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
    Exec.run(
        START.plusSeconds(10),
        asPostgres(
            ns,
            List.of(
                bin.resolve("pg_ctl").toString(),
                "-D",
                data().toString(),
                "-l",
                log().toString(),
                "-w",
                "-t",
                String.valueOf(START.toSeconds()),
                "-o",
                options,
                "start")));
  }

  private static List<String> asPostgres(String ns, List<String> argv) {
    List<String> all = new ArrayList<>();
    if (ns != null) {
      all.addAll(List.of(Exec.IP, "netns", "exec", ns));
    }
    all.addAll(List.of(RUNUSER, "-u", "postgres", "--"));
    all.addAll(argv);
    return all;
  }

  /** The newest {@code /usr/lib/postgresql/N/bin} with initdb and pg_ctl. */
  static Path binaries() {
    Path root = Path.of("/usr/lib/postgresql");
    try (Stream<Path> versions = Files.list(root)) {
      return versions
          .map(v -> v.resolve("bin"))
          .filter(
              b ->
                  Files.isExecutable(b.resolve("initdb"))
                      && Files.isExecutable(b.resolve("pg_ctl")))
          .max(Comparator.comparingInt(PostgresServer::major))
          .orElseThrow(() -> new LabException("no PostgreSQL binaries under " + root));
    } catch (IOException e) {
      throw new LabException(
          "no PostgreSQL under " + root + " (apt-get install postgresql): " + e, e);
    }
  }

  private static int major(Path bin) {
    try {
      return Integer.parseInt(bin.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new LabException("no free port: " + e, e);
    }
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + DATABASE;
  }

  public String password() {
    return password;
  }

  /**
   * Runs {@code sql} with psql over the Unix socket (any namespace) and returns its rows, one line
   * each, columns separated by {@code |}.
   */
  public List<String> query(String sql) {
    String out =
        Exec.run(
            asPostgres(
                null,
                List.of(
                    bin.resolve("psql").toString(),
                    "-h",
                    dir.toString(),
                    "-p",
                    String.valueOf(port),
                    "-U",
                    USER,
                    "-d",
                    DATABASE,
                    "-At",
                    "-v",
                    "ON_ERROR_STOP=1",
                    "-c",
                    sql)));
    return out.lines().filter(l -> !l.isBlank()).toList();
  }

  private Path data() {
    return dir.resolve("data");
  }

  public Path log() {
    return dir.resolve("postgres.log");
  }

  /** Stops the server (immediate: a test's data) and deletes its directory. */
  @Override
  public void close() {
    try {
      if (Files.exists(data().resolve("postmaster.pid"))) {
        Exec.attempt(
            Duration.ofSeconds(30),
            asPostgres(
                null,
                List.of(
                    bin.resolve("pg_ctl").toString(),
                    "-D",
                    data().toString(),
                    "-m",
                    "immediate",
                    "-w",
                    "stop")));
      }
    } finally {
      try (Stream<Path> all = Files.walk(dir)) {
        all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // best effort: a temp dir
      }
    }
  }
}
