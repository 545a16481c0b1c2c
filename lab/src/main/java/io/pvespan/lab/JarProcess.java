package io.pvespan.lab;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A pvespan jar (controller, agent, lab) run as its own JVM: how the lab uses the controller's
 * answers without linking to the controller's code, and how it starts every process it owns.
 */
public final class JarProcess {
  private JarProcess() {}

  /** The argument list that runs {@code jar} with {@code args}: small heap, quick start. */
  public static List<String> argv(Path jar, List<String> args) {
    List<String> argv = new ArrayList<>();
    argv.add(javaBinary());
    // Six JVMs share the lab's cores: small heaps, quick start.
    argv.addAll(List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar"));
    argv.add(jar.toString());
    argv.addAll(args);
    return argv;
  }

  /** Runs {@code jar} with {@code args} to its end; whatever it exits with is the caller's call. */
  public static Exec.Result run(Path jar, List<String> args, Duration timeout) {
    return Exec.attempt(timeout, argv(jar, args));
  }

  /** The java running us, by absolute path (no PATH lookup). */
  static String javaBinary() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }
}
