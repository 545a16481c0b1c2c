package io.pvespan.controller.pve.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pvespan.controller.pve.PveException;
import io.pvespan.controller.pve.PveException.Cause;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns one HTTP answer of the Proxmox API into its {@code data} or a one-line {@link
 * PveException}. Proxmox (pve-http-server, {@code PVE::APIServer::AnyEvent}) puts the reason in the
 * HTTP status line and, for parameter errors, the envelope {@code {"data":null,"errors":{param:
 * msg},"message":"..."}}.
 */
public final class ResponseDecoder {
  public static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern TITLE =
      Pattern.compile("<title>([^<]{1,120})</title>", Pattern.CASE_INSENSITIVE);

  private ResponseDecoder() {}

  /** A failure worth retrying (5xx, 429, a connection that could not be made). */
  public static final class RetryableFailure extends RuntimeException {
    public RetryableFailure(PveException cause) {
      super(cause.getMessage(), cause, false, false);
    }

    public PveException failure() {
      return (PveException) getCause();
    }
  }

  /**
   * Decodes an answer.
   *
   * @param what {@code GET /cluster/status}, for messages
   * @throws PveException non-retryable problems (4xx, bad bodies)
   * @throws RetryableFailure 5xx and 429
   */
  public static JsonNode decode(
      String what, int code, String reason, String contentType, String body) throws PveException {
    String text = body == null ? "" : body.strip();
    boolean html =
        (contentType != null && contentType.toLowerCase(Locale.ROOT).contains("html"))
            || text.startsWith("<");
    JsonNode json = null;
    String jsonProblem = null;
    if (!html && !text.isEmpty()) {
      try {
        json = MAPPER.readTree(text);
      } catch (JsonProcessingException e) {
        var loc = e.getLocation();
        jsonProblem =
            "malformed JSON from "
                + what
                + (loc == null
                    ? ""
                    : " at line " + loc.getLineNr() + " column " + loc.getColumnNr())
                + ": "
                + e.getOriginalMessage().lines().findFirst().orElse("");
      }
    }
    if (code >= 400) {
      String detail = envelopeMessage(json, reason);
      String line = status(what, code, detail, html, text);
      if (code >= 500 || code == 429) {
        throw new RetryableFailure(new PveException(Cause.SERVER_ERROR, line));
      }
      throw new PveException(code == 401 || code == 403 ? Cause.UNAUTHORIZED : Cause.OTHER, line);
    }
    if (html) {
      throw new PveException(
          Cause.BAD_RESPONSE,
          what
              + " answered an HTML page"
              + title(text)
              + ", not JSON: is the URL the Proxmox API"
              + " (https://HOST:8006)?");
    }
    if (jsonProblem != null) {
      throw new PveException(Cause.BAD_RESPONSE, jsonProblem);
    }
    if (json == null || !json.isObject() || !json.has("data")) {
      throw new PveException(
          Cause.BAD_RESPONSE, what + " answered without the {\"data\": ...} envelope");
    }
    return json.get("data");
  }

  private static String status(String what, int code, String detail, boolean html, String text) {
    String base = what + " failed: HTTP " + code + (detail.isEmpty() ? "" : " " + detail);
    if (html) {
      base += " (an HTML page" + title(text) + ", not the Proxmox API?)";
    }
    return switch (code) {
      case 401 ->
          base
              + ": Proxmox refused the API token; check USER@REALM!TOKENID and the secret"
              + " (--pve-token-file / pve.tokenFile)";
      case 403 ->
          base
              + ": the token lacks a privilege; it needs VM.Audit and Sys.Audit on / (role"
              + " PVESpanAudit; a privilege-separated token needs its own ACL, see"
              + " docs/proxmox-access.md)";
      default -> base;
    };
  }

  /** The envelope's message and per-parameter errors, else the HTTP reason phrase. */
  private static String envelopeMessage(JsonNode json, String reason) {
    List<String> parts = new ArrayList<>();
    String message =
        json != null && json.path("message").isTextual() ? json.get("message").asText() : reason;
    if (message != null && !message.isBlank()) {
      parts.add(oneLine(message));
    }
    JsonNode errors = json == null ? null : json.get("errors");
    if (errors != null && errors.isObject()) {
      List<String> each = new ArrayList<>();
      for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) errors::fields) {
        each.add(e.getKey() + ": " + oneLine(e.getValue().asText()));
      }
      parts.add("(" + String.join("; ", each) + ")");
    }
    return String.join(" ", parts);
  }

  private static String title(String html) {
    Matcher m = TITLE.matcher(html);
    return m.find() ? " '" + oneLine(m.group(1)) + "'" : "";
  }

  static String oneLine(String s) {
    return s.strip().replaceAll("\\s*\\R\\s*", " ");
  }
}
