package io.pvespan.controller.pve;

import io.pvespan.model.VmId;

/**
 * A guest seen moving: {@code from} the node it was on; {@code to} the node it is on now, or null
 * while the move is in progress ({@code lock: migrate}).
 */
public record Migration(VmId vmid, String from, String to) {}
