package io.pvespan.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** SHA-256 over the canonical JSON of a plan's content (not its generation or digest). */
public final class PlanDigest {
  private PlanDigest() {}

  public static String of(NodeMirrorPlan plan) {
    Map<String, Object> content = new LinkedHashMap<>();
    content.put("node", plan.node());
    content.put("mirrors", plan.mirrors());
    content.put("tunnels", plan.tunnels());
    content.put("deliveries", plan.deliveries());
    try {
      byte[] json = PlanJson.CANONICAL.writeValueAsBytes(content);
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("plan digest", e);
    }
  }

  /** True when {@code plan.digest()} matches its content. */
  public static boolean verify(NodeMirrorPlan plan) {
    return of(plan).equals(plan.digest());
  }
}
