package io.pvespan.status;

/** What the agent's kernel offers, probed at start. */
public record KernelCapabilities(
    boolean matchall,
    boolean flower,
    boolean u32,
    boolean mirred,
    boolean clsact,
    boolean vxlan,
    boolean gretap,
    boolean gre,
    boolean erspan,
    boolean geneve) {}
