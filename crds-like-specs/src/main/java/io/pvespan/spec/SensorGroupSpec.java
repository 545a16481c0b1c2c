package io.pvespan.spec;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code spec} of a SensorGroup: the member Sensors by name, 2..{@value #MAX_MEMBERS}, each once.
 * Their order is the order in which the live members take their share indexes.
 */
public record SensorGroupSpec(List<String> members) {
  public static final int MAX_MEMBERS = 64;

  public SensorGroupSpec {
    members = members == null ? List.of() : List.copyOf(members);
    if (members.size() < 2 || members.size() > MAX_MEMBERS) {
      throw new IllegalArgumentException(
          "a SensorGroup has 2.." + MAX_MEMBERS + " members, not " + members.size());
    }
    Set<String> seen = new HashSet<>();
    for (String m : members) {
      new ObjectMeta(m); // a Sensor's name
      if (!seen.add(m)) {
        throw new IllegalArgumentException("member '" + m + "' is listed twice");
      }
    }
  }
}
