package io.pvespan.status;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.pvespan.model.Direction;
import io.pvespan.model.InterfaceName;

/**
 * One planned mirror or delivery as the kernel has it: {@code state} is {@code active} (rules in
 * place), {@code waiting} (device absent) or {@code failed} (see {@code message}). Packets and
 * bytes are what our mirred actions copied (tc statistics), summed over both directions.
 */
public record EntryStatus(
    String session,
    @JsonProperty("interface") InterfaceName device,
    Direction direction,
    String state,
    String message,
    long packets,
    long bytes) {}
