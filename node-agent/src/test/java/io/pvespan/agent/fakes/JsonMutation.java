package io.pvespan.agent.fakes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * One edit of a JSON document at the {@code at}-th node (depth first, modulo the node count):
 * remove it, give it a hostile string or number, another JSON type, a copy of another node's value
 * (a tunnel's name as a mirror source, a source as a sensor), or add an unknown field beside it.
 * Pure data, so jqwik can shrink a failing series of edits.
 */
public record JsonMutation(Kind kind, int at, int value) {
  public enum Kind {
    REMOVE,
    HOSTILE_STRING,
    HOSTILE_NUMBER,
    OTHER_TYPE,
    COPY_OF_ANOTHER,
    UNKNOWN_FIELD
  }

  public static Arbitrary<JsonMutation> mutations() {
    return Combinators.combine(
            Arbitraries.of(Kind.class),
            Arbitraries.integers().between(0, 10_000),
            Arbitraries.integers().between(0, 10_000))
        .as(JsonMutation::new);
  }

  /** Applies this edit to {@code root} in place (the root itself is never replaced). */
  public void apply(ObjectNode root) {
    List<Slot> slots = new ArrayList<>();
    collect(root, slots);
    if (slots.isEmpty()) {
      root.put("x", 1);
      return;
    }
    Slot slot = slots.get(at % slots.size());
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    switch (kind) {
      case REMOVE -> slot.remove();
      case HOSTILE_STRING -> slot.set(nodes.textNode(pick(PlanArbitraries.HOSTILE_STRINGS)));
      case HOSTILE_NUMBER -> slot.set(number(pick(PlanArbitraries.HOSTILE_NUMBERS)));
      case OTHER_TYPE -> slot.set(otherType(slot.get()));
      case COPY_OF_ANOTHER -> slot.set(slots.get(value % slots.size()).get().deepCopy());
      case UNKNOWN_FIELD -> {
        if (slot.parent() instanceof ObjectNode o) {
          o.put("unknown" + value, value);
        } else {
          root.put("unknown" + value, value);
        }
      }
    }
  }

  private <T> T pick(List<T> values) {
    return values.get(value % values.size());
  }

  private JsonNode otherType(JsonNode was) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    List<JsonNode> others = new ArrayList<>();
    if (was.isNumber()) {
      others.add(nodes.textNode(was.asText())); // "generation":"3", "vni":"4242"
    }
    if (was.isTextual()) {
      others.add(nodes.numberNode(was.asText().length()));
      others.add(nodes.arrayNode().add(was.asText()));
    }
    others.add(nodes.nullNode());
    others.add(nodes.booleanNode(true));
    others.add(nodes.arrayNode());
    others.add(nodes.objectNode());
    return others.get(value % others.size());
  }

  private static JsonNode number(Number n) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    if (n instanceof Integer i) {
      return nodes.numberNode(i);
    }
    if (n instanceof Long l) {
      return nodes.numberNode(l);
    }
    if (n instanceof BigInteger b) {
      return nodes.numberNode(b);
    }
    return nodes.numberNode(BigDecimal.valueOf(n.doubleValue()));
  }

  private static void collect(JsonNode node, List<Slot> out) {
    if (node instanceof ObjectNode o) {
      o.fieldNames()
          .forEachRemaining(
              name -> {
                out.add(new Slot(o, name, -1));
                collect(o.get(name), out);
              });
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        out.add(new Slot(a, null, i));
        collect(a.get(i), out);
      }
    }
  }

  /** A place in a document: a field of an object or an element of an array. */
  record Slot(JsonNode parent, String field, int index) {
    JsonNode get() {
      return field != null ? parent.get(field) : parent.get(index);
    }

    void set(JsonNode value) {
      if (field != null) {
        ((ObjectNode) parent).set(field, value);
      } else {
        ((ArrayNode) parent).set(index, value);
      }
    }

    void remove() {
      if (field != null) {
        ((ObjectNode) parent).remove(field);
      } else {
        ((ArrayNode) parent).remove(index);
      }
    }
  }
}
