package io.pvespan.bench;

import io.pvespan.spec.load.LoadResult;
import io.pvespan.spec.load.SpecLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * How long {@code ./pvespan validate} (and every controller reload) spends on a large spec
 * repository: 50 sensors and 200 sessions in 25 files, each session with vmids, tags, nics, an
 * exclude and a filter; every step (YAML with positions, JSON Schema, semantics, binding) included.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SpecLoaderBenchmark {
  static final int SENSORS = 50;
  static final int SESSIONS = 200;
  static final int FILES = 25;

  Path dir;

  @Setup
  public void writeSpecs() throws IOException {
    dir = Files.createTempDirectory("pvespan-bench-specs");
    StringBuilder[] files = new StringBuilder[FILES];
    for (int f = 0; f < FILES; f++) {
      files[f] = new StringBuilder("# generated for SpecLoaderBenchmark\n");
    }
    for (int s = 0; s < SENSORS; s++) {
      files[s % FILES].append(
          """
          ---
          apiVersion: pvespan.io/v1alpha1
          kind: Sensor
          metadata: {name: sensor-%d}
          spec:
            vm: {vmid: %d, nic: net1}
          """
              .formatted(s, 900_000 + s));
    }
    for (int m = 0; m < SESSIONS; m++) {
      files[m % FILES].append(
          """
          ---
          apiVersion: pvespan.io/v1alpha1
          kind: MirrorSession
          metadata: {name: session-%d}
          spec:
            sources:
              vmids: [%d, %d, %d, %d]
              tags: [dmz, web-%d]
              types: [qemu, lxc]
              nics: [net0, net1, net2, net3]
              exclude: {tags: [no-span]}
            direction: both
            sensorRef: sensor-%d
            encapsulation: auto
            filter:
              - {action: drop, protocol: tcp, cidr: 10.0.0.0/8, ports: [22]}
              - {action: accept, protocol: tcp, ports: [80, 443]}
          """
              .formatted(m, 1000 + m, 2000 + m, 3000 + m, 4000 + m, m, m % SENSORS));
    }
    for (int f = 0; f < FILES; f++) {
      Files.writeString(dir.resolve("specs-" + f + ".yaml"), files[f]);
    }
    LoadResult check = SpecLoader.load(List.of(dir));
    if (!check.ok()) {
      throw new IllegalStateException("generated specs are invalid: " + check.problems());
    }
  }

  @TearDown
  public void removeSpecs() throws IOException {
    try (Stream<Path> tree = Files.walk(dir)) {
      for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Benchmark
  public LoadResult load250Specs() {
    return SpecLoader.load(List.of(dir));
  }
}
