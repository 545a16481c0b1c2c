package io.pvespan.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Removes every namespace whose name starts with {@code prefix + "-"}: the lab's, including those a
 * crashed run left behind. Processes still inside one (a lab agent, an iperf3) are killed by pid
 * first, since a namespace lives on while a process holds it. Idempotent: nothing to remove is
 * success. Deleting a namespace deletes its devices, and their veth peers with them.
 */
public final class LabTeardown {
  private static final ObjectMapper JSON = new ObjectMapper();

  private LabTeardown() {}

  /** The lab namespaces with this prefix that exist now. */
  public static List<String> namespaces(String prefix) {
    String out = Exec.run(Exec.IP, "-j", "netns", "list");
    List<String> names = new ArrayList<>();
    if (out.isBlank()) {
      return names;
    }
    try {
      for (JsonNode ns : JSON.readTree(out)) {
        String name = ns.path("name").asText();
        if (name.startsWith(prefix + "-")) {
          names.add(name);
        }
      }
    } catch (IOException e) {
      throw new LabException("ip -j netns list: unreadable output: " + e.getMessage(), e);
    }
    return names;
  }

  /** Kills what runs in the prefix's namespaces, then deletes them; returns how many it deleted. */
  public static int removeAll(String prefix) {
    List<String> names = namespaces(prefix);
    for (String ns : names) {
      killProcessesIn(ns);
    }
    for (String ns : names) {
      Exec.attempt(Exec.DEFAULT_TIMEOUT, List.of(Exec.IP, "netns", "del", ns));
    }
    List<String> left = namespaces(prefix);
    if (!left.isEmpty()) {
      throw new LabException("teardown left namespaces behind: " + left);
    }
    return names.size();
  }

  private static void killProcessesIn(String ns) {
    var r = Exec.attempt(Exec.DEFAULT_TIMEOUT, List.of(Exec.IP, "netns", "pids", ns));
    List<ProcessHandle> killed = new ArrayList<>();
    for (String line : r.stdout().split("\n")) {
      if (!line.isBlank()) {
        ProcessHandle.of(Long.parseLong(line.strip())).ifPresent(killed::add);
      }
    }
    killed.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle p : killed) {
      try {
        p.onExit().get(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException | TimeoutException e) {
        // Not our child: onExit may not complete; the netns del below still unmounts the name.
      }
    }
  }
}
