package io.pvespan.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * {@code GET /v1/inventory}: the cluster inventory as the controller last read it ({@code
 * inventory}, the shape of an inventory file; null before the first poll) and when.
 */
public record InventoryView(Instant lastPoll, JsonNode inventory) {}
