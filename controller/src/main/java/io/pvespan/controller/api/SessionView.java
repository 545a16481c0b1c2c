package io.pvespan.controller.api;

import io.pvespan.status.Condition;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/sessions}: one MirrorSession as planned and applied. {@code devices} lists, by
 * node, the guest devices mirrored there; {@code packets}/{@code bytes} are what the agents report
 * their mirrors copied. Conditions: {@code Ready} (every involved agent applied the plan) and
 * {@code Degraded} (something is wrong even if mirrors run), with CamelCase reasons. {@code paths}:
 * per source node, whether the session's canaries reach the sensor ({@link PathView}).
 */
public record SessionView(
    String name,
    String sensor,
    boolean paused,
    List<Integer> selectedGuests,
    Map<String, List<String>> devices,
    long packets,
    long bytes,
    List<Condition> conditions,
    List<PathView> paths) {
  public SessionView {
    paths = paths == null ? List.of() : List.copyOf(paths);
  }

  /** A view without path checks. */
  public SessionView(
      String name,
      String sensor,
      boolean paused,
      List<Integer> selectedGuests,
      Map<String, List<String>> devices,
      long packets,
      long bytes,
      List<Condition> conditions) {
    this(name, sensor, paused, selectedGuests, devices, packets, bytes, conditions, List.of());
  }
}
