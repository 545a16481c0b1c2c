package io.pvespan.agent.engine;

import io.pvespan.model.Direction;
import io.pvespan.model.InterfaceName;

/**
 * A plan entry's row in the report: a mirror (session, source device, direction; {@code peer} is
 * the target) or a delivery (session, tunnel device {@code device}, sensor device {@code peer}).
 */
record EntryKey(
    String kind, String session, InterfaceName device, Direction direction, String peer) {
  static final String MIRROR = "mirror";
  static final String DELIVERY = "delivery";

  /** A copy conditioner's own filter (reported within the mirror entries it serves). */
  static final String CONDITIONER = "conditioner";
}
