package io.pvespan.agent.kernel;

import java.util.regex.Pattern;

/**
 * A libpcap filter expression ({@code udp port 5000}, {@code host 198.18.0.1 and not arp}) handed
 * to {@code tcpdump} as its last argument, after {@code --}: 1..256 characters from letters,
 * digits, space and {@code . : / ( ) ! & | = < > [ ] * + -}; no quotes, no newline, no shell or
 * option syntax can reach the process (it is never run through a shell anyway). libpcap parses it;
 * a syntax error ends the capture with tcpdump's message.
 */
public record PcapFilter(String value) {
  private static final Pattern FORM = Pattern.compile("[A-Za-z0-9 .:/()!&|=<>\\[\\]*+-]{1,256}");

  public PcapFilter {
    if (value == null || !FORM.matcher(value).matches() || value.isBlank()) {
      throw new IllegalArgumentException(
          "filter '"
              + value
              + "' is not a pcap expression pvespan accepts (letters, digits, space and"
              + " .:/()!&|=<>[]*+- only, at most 256)");
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
