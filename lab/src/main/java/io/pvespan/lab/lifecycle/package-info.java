/**
 * The Proxmox lifecycle driver: Proxmox VE's own device and {@code tc} sequences (VM and container
 * start and stop, NIC hotplug, live edits, live migration), each command run as its own process in
 * Proxmox's order, for the lab, the demo and the coexistence tests.
 */
package io.pvespan.lab.lifecycle;
