package io.pvespan.agent.capture;

import io.pvespan.agent.kernel.ClassicBpf;
import io.pvespan.agent.kernel.Tcpdump;
import io.pvespan.server.OffsetBuffer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One capture: runs tcpdump on the device until the duration or byte limit, a cancel, or an error;
 * while the device does not exist (a guest not started yet, the target of a live migration before
 * QEMU creates its tap, the source after it is gone) it tries again every {@link #RETRY_MILLIS}.
 * Successive tcpdump runs become one pcap stream in {@link #buffer()}: the first global header,
 * then whole records.
 */
final class CaptureJob implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(CaptureJob.class);
  static final long RETRY_MILLIS = 100;

  /** How often a device that does not exist is looked for (no process: a file check). */
  static final long ABSENT_POLL_MILLIS = 50;

  private final String id;
  private final CaptureSpec spec;
  private final Tcpdump tcpdump;

  /**
   * Small: the agent runs with a 64 MiB heap and up to {@link Captures#MAX_RUNNING} captures; the
   * kernel ring behind tcpdump (16 MiB) absorbs the bursts.
   */
  private final OffsetBuffer buffer = new OffsetBuffer(1024 * 1024);

  private final AtomicReference<Process> running = new AtomicReference<>();
  private volatile String stopReason;
  private boolean headerSent;
  private long recordBytes;

  CaptureJob(String id, CaptureSpec spec, Tcpdump tcpdump) {
    this.id = id;
    this.spec = spec;
    this.tcpdump = tcpdump;
  }

  OffsetBuffer buffer() {
    return buffer;
  }

  CaptureSpec spec() {
    return spec;
  }

  /** Ends the capture (idempotent): tcpdump is killed, the buffer ends after what it holds. */
  void stop(String reason) {
    if (stopReason == null) {
      stopReason = reason;
    }
    Process p = running.get();
    if (p != null) {
      p.destroy();
    }
  }

  @Override
  public void run() {
    long deadline = System.nanoTime() + spec.duration().toNanos();
    String end = "duration reached";
    try {
      while (stopReason == null && System.nanoTime() < deadline) {
        if (!tcpdump.mayExist(spec.device())) {
          Thread.sleep(ABSENT_POLL_MILLIS);
          continue;
        }
        String failure = once();
        if (failure != null) {
          end = failure;
          break;
        }
        if (recordBytes >= spec.maxBytes()) {
          end = "byte limit reached";
          break;
        }
        Thread.sleep(RETRY_MILLIS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      end = "agent stopping";
    } catch (IOException | RuntimeException e) {
      end = "capture failed: " + e.getMessage();
    } finally {
      Process p = running.getAndSet(null);
      if (p != null) {
        p.destroyForcibly();
      }
    }
    if (stopReason != null) {
      end = stopReason;
    }
    LOG.info("capture {} of {} ({}) ended: {}", id, spec.device(), spec.session(), end);
    buffer.end(end);
  }

  /**
   * One tcpdump run until it exits or is stopped; a reason to end the capture, or null to try again
   * (the device is absent or went away).
   */
  private String once() throws IOException, InterruptedException {
    Process p = tcpdump.start(spec.device(), spec.direction(), spec.filter());
    running.set(p);
    if (stopReason != null) {
      p.destroy();
    }
    AtomicReference<String> firstError = new AtomicReference<>();
    AtomicReference<String> counts = new AtomicReference<>();
    Thread errors = drainErrors(p, firstError, counts);
    boolean gotHeader = false;
    long records = 0;
    long outside = 0;
    try {
      PcapFraming framing = new PcapFraming(p.getInputStream());
      byte[] header = framing.header();
      if (header != null) {
        gotHeader = true;
        LOG.info("capture {}: tcpdump on {} listening", id, spec.device());
        if (framing.linkType() != 1) {
          return "device "
              + spec.device()
              + " is not Ethernet (link type "
              + framing.linkType()
              + ")";
        }
        if (!headerSent) {
          buffer.append(header);
          headerSent = true;
        }
        for (byte[] r = framing.record(); r != null; r = framing.record()) {
          if (!inSession(framing, r)) {
            outside++;
            continue;
          }
          if (recordBytes + r.length > spec.maxBytes()) {
            recordBytes = spec.maxBytes();
            return null;
          }
          if (!buffer.append(r)) {
            return null;
          }
          recordBytes += r.length;
          records++;
        }
      }
    } finally {
      p.destroy();
      p.waitFor();
      errors.join(1000);
      running.compareAndSet(p, null);
    }
    String error = firstError.get();
    if (gotHeader) {
      LOG.info(
          "capture {}: tcpdump on {} stopped after {} frames ({} outside the session's rules){}{}",
          id,
          spec.device(),
          records,
          outside,
          counts.get() == null ? "" : " (" + counts.get() + ")",
          error == null ? "" : ": " + error);
    }
    if (!gotHeader && error != null) {
      LOG.debug("capture {}: tcpdump on {}: {}", id, spec.device(), error);
    }
    if (!gotHeader && stopReason == null && error != null && !deviceMissing(error)) {
      return "tcpdump: " + error;
    }
    return null;
  }

  /** Whether the session's filter rules (if any) mirror this frame. */
  private boolean inSession(PcapFraming framing, byte[] record) {
    if (spec.sessionMatch().isEmpty()) {
      return true;
    }
    byte[] frame = java.util.Arrays.copyOfRange(record, PcapFraming.RECORD_HEADER, record.length);
    return ClassicBpf.matches(spec.sessionMatch().get(), frame, framing.wireLength(record));
  }

  /** tcpdump's words for a device that is absent or not up (yet): try again. */
  private static boolean deviceMissing(String line) {
    String l = line.toLowerCase(java.util.Locale.ROOT);
    return l.contains("no such device")
        || l.contains("doesn't exist")
        || l.contains("not up")
        || l.contains("network is down");
  }

  /** tcpdump's own chatter on stderr, which is no error. */
  private static boolean banner(String line) {
    return line.contains("listening on")
        || line.contains("packets captured")
        || line.contains("received by filter")
        || line.contains("dropped by kernel")
        || line.isBlank();
  }

  private static Thread drainErrors(
      Process p, AtomicReference<String> firstError, AtomicReference<String> counts) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                  // tcpdump's counts at its end (captured, received by filter, dropped by
                  // kernel): in the log, so a frame missing from a capture can be placed.
                  if (line.contains("packets captured")
                      || line.contains("received by filter")
                      || line.contains("dropped by kernel")) {
                    counts.accumulateAndGet(line.strip(), (a, b) -> a == null ? b : a + ", " + b);
                  }
                  if (firstError.get() == null && !banner(line)) {
                    firstError.set(line.length() > 200 ? line.substring(0, 200) : line);
                  }
                }
              } catch (IOException e) {
                // the process is gone
              }
            },
            "pvespan-capture-stderr");
    t.setDaemon(true);
    t.start();
    return t;
  }
}
