package io.pvespan.spec.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.pvespan.model.PortRange;
import io.pvespan.model.PortSet;
import io.pvespan.spec.MirrorSession;
import io.pvespan.spec.load.YamlDocument.Position;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules of a session's {@code filter} that its schema cannot express: rule numbers all or none
 * and unique, port ranges in order and within 1..65535, ports on source/destination only with a
 * protocol that has ports, the older either-side fields not mixed with source/destination, a rule's
 * direction within the session's, and source and destination of one IP version. Works on the tree
 * so that every problem is reported at its line, alongside the schema's.
 */
final class FilterCheck {
  private FilterCheck() {}

  static void check(YamlDocument d, List<SpecProblem> problems) {
    if (!MirrorSession.KIND.equals(d.text("kind"))) {
      return;
    }
    JsonNode filter = d.root().path("spec").path("filter");
    if (!filter.isArray()) {
      return;
    }
    String sessionDirection = d.root().path("spec").path("direction").asText("both");
    Map<Long, String> numbers = new HashMap<>();
    int numbered = 0;
    for (int i = 0; i < filter.size(); i++) {
      JsonNode rule = filter.get(i);
      String at = "spec.filter[" + i + "]";
      if (!rule.isObject()) {
        continue; // the schema reports it
      }
      JsonNode number = rule.get("number");
      if (number != null && number.isIntegralNumber()) {
        numbered++;
        String first = numbers.putIfAbsent(number.asLong(), at + ".number");
        if (first != null) {
          Position was = d.at(first);
          problems.add(
              d.problem(
                  at + ".number",
                  "rule number "
                      + number.asLong()
                      + " is also used at line "
                      + was.line()
                      + ": numbers order the rules and must be unique"));
        }
      }
      boolean endpoints = rule.has("source") || rule.has("destination");
      if (endpoints && (rule.has("cidr") || rule.has("ports"))) {
        problems.add(
            d.problem(
                at,
                "cidr and ports (either side) cannot be combined with source or destination;"
                    + " write the address and ports under source or destination"));
      }
      String protocol = rule.path("protocol").asText("");
      boolean portsOk = List.of("tcp", "udp", "sctp").contains(protocol);
      ports(d, rule.get("ports"), at + ".ports", problems);
      for (String side : List.of("source", "destination")) {
        JsonNode ports = rule.path(side).get("ports");
        ports(d, ports, at + "." + side + ".ports", problems);
        if (ports != null && !portsOk) {
          problems.add(
              d.problem(
                  at + "." + side + ".ports",
                  "ports need protocol tcp, udp or sctp"
                      + (protocol.isEmpty() ? "" : ", not '" + protocol + "'")));
        }
      }
      String src = rule.path("source").path("cidr").asText("");
      String dst = rule.path("destination").path("cidr").asText("");
      if (!src.isEmpty() && !dst.isEmpty() && src.contains(":") != dst.contains(":")) {
        problems.add(
            d.problem(
                at,
                "source "
                    + src
                    + " and destination "
                    + dst
                    + " are of different IP versions: the rule can never match"));
      }
      String direction = rule.path("direction").asText("both");
      if (!within(direction, sessionDirection)) {
        problems.add(
            d.problem(
                at + ".direction",
                "the rule applies to "
                    + direction
                    + " but the session mirrors only "
                    + sessionDirection
                    + ": it would never apply"));
      }
    }
    if (numbered > 0 && numbered < filter.size()) {
      problems.add(
          d.problem(
              "spec.filter",
              numbered
                  + " of "
                  + filter.size()
                  + " rules have a number: number every rule (they order evaluation) or none"));
    }
  }

  /** A rule for one direction in a session of the other never applies (both: always). */
  private static boolean within(String rule, String session) {
    return !List.of("ingress", "egress").contains(rule)
        || session.equals("both")
        || rule.equals(session);
  }

  /** Ranges that run backwards or leave 1..65535 (the schema checks only their shape). */
  private static void ports(
      YamlDocument d, JsonNode ports, String path, List<SpecProblem> problems) {
    if (ports == null) {
      return;
    }
    if (ports.isArray() && ports.size() > PortSet.MAX_RANGES) {
      problems.add(d.problem(path, "at most " + PortSet.MAX_RANGES + " ports or ranges per list"));
    }
    // The older either-side "ports: []" meant any port and stays valid.
    if (ports.isArray() && ports.isEmpty() && !path.endsWith("].ports")) {
      problems.add(d.problem(path, "an empty ports list matches no port; leave ports out"));
    }
    Iterable<JsonNode> items = ports.isArray() ? ports : List.of(ports);
    int i = 0;
    for (JsonNode item : items) {
      String itemPath = ports.isArray() ? path + "[" + i + "]" : path;
      i++;
      if (!item.isTextual() || !item.asText().matches("[0-9]{1,5}(-[0-9]{1,5})?")) {
        continue; // numbers and bad shapes: the schema reports them
      }
      try {
        PortRange.parse(item.asText());
      } catch (IllegalArgumentException e) {
        problems.add(d.problem(itemPath, e.getMessage()));
      }
    }
  }
}
