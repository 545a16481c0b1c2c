package io.pvespan.agent.engine;

import io.pvespan.agent.kernel.CommandLine;
import io.pvespan.agent.kernel.CommandRunner;
import io.pvespan.agent.kernel.KernelCommandException;
import io.pvespan.agent.kernel.Tool;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link KernelEvents} from two long-running monitors: {@code ip monitor link} (devices appearing,
 * going, changing) and {@code tc monitor} (qdiscs and filters: Proxmox's plug wiping ours). Each
 * line's device is passed to the listener. A monitor that dies is restarted and the listener is
 * told {@code null} (something may have been missed: resync everything). Our own writes cause
 * events too; the caller's no-op converge then writes nothing, so the loop settles.
 */
public final class MonitorEvents implements KernelEvents {
  private static final Pattern IP_LINK = Pattern.compile("^(?:Deleted )?\\d+: ([^:@\\s]+)[:@]");
  private static final Pattern TC_DEV = Pattern.compile("\\bdev (\\S+)");
  private static final long RESTART_BACKOFF_MS = 200;

  private final CommandRunner runner;
  private final List<Thread> threads = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  private volatile boolean closed;

  public MonitorEvents(CommandRunner runner) {
    this.runner = runner;
  }

  @Override
  public synchronized void start(Listener onChange) {
    if (!threads.isEmpty()) {
      throw new IllegalStateException("already started");
    }
    watch(Tool.IP, CommandLine.of("monitor", "link"), IP_LINK, onChange);
    watch(Tool.TC, CommandLine.of("monitor"), TC_DEV, onChange);
  }

  /** The device a monitor line is about, or null. */
  static String deviceOf(Tool tool, String line) {
    Matcher m = (tool == Tool.IP ? IP_LINK : TC_DEV).matcher(line);
    return m.find() ? m.group(1) : null;
  }

  private void watch(Tool tool, CommandLine command, Pattern pattern, Listener onChange) {
    Thread t =
        new Thread(
            () -> {
              boolean first = true;
              while (!closed) {
                if (!first) {
                  onChange.changed(null);
                }
                first = false;
                readUntilDeath(tool, command, onChange);
                if (!closed) {
                  pause();
                }
              }
            },
            "pvespan-" + tool.name().toLowerCase() + "-monitor");
    t.setDaemon(true);
    threads.add(t);
    t.start();
  }

  private void readUntilDeath(Tool tool, CommandLine command, Listener onChange) {
    Process p;
    try {
      p = runner.start(tool, command);
    } catch (KernelCommandException e) {
      return;
    }
    synchronized (this) {
      if (closed) {
        p.destroy();
        return;
      }
      processes.add(p);
    }
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        String dev = deviceOf(tool, line);
        if (dev != null || !line.startsWith(" ")) {
          onChange.changed(dev);
        }
      }
    } catch (IOException | RuntimeException e) {
      // The monitor died or the listener threw; either way: restart and resync.
    } finally {
      p.destroy();
      synchronized (this) {
        processes.remove(p);
      }
    }
  }

  private static void pause() {
    try {
      Thread.sleep(RESTART_BACKOFF_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    List<Process> toKill;
    synchronized (this) {
      closed = true;
      toKill = new ArrayList<>(processes);
    }
    for (Process p : toKill) {
      p.destroy();
    }
    for (Thread t : threads) {
      t.interrupt();
    }
  }
}
