package io.pvespan.agent.engine;

import io.pvespan.model.InterfaceName;

/**
 * Copies session {@code session}'s copy conditioner {@code conditioner} (its {@code in} end)
 * dropped for the budget so far, as its tbf counts them (a new pair starts again at 0).
 */
public record CopyDrops(String session, InterfaceName conditioner, long dropped) {}
