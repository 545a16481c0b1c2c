package io.pvespan.agent.api;

import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a request body of at most {@code limit} bytes. A declared Content-Length over the limit is
 * refused before reading a byte; a chunked body is refused as soon as it passes the limit. Either
 * way the caller answers 413 and closes the connection, so a 100 MB upload is never read whole.
 */
final class BoundedBody {
  private BoundedBody() {}

  static final class TooLarge extends Exception {
    TooLarge(String message) {
      super(message, null, false, false);
    }
  }

  static byte[] read(HttpExchange exchange, long limit) throws IOException, TooLarge {
    String declared = exchange.getRequestHeaders().getFirst("Content-Length");
    if (declared != null) {
      long length;
      try {
        length = Long.parseLong(declared.trim());
      } catch (NumberFormatException e) {
        throw new TooLarge("Content-Length '" + declared + "' is not a number");
      }
      if (length > limit) {
        throw new TooLarge("body of " + length + " bytes is over the limit of " + limit);
      }
    }
    InputStream in = exchange.getRequestBody();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[16 * 1024];
    long total = 0;
    for (int n; (n = in.read(buf)) >= 0; ) {
      total += n;
      if (total > limit) {
        throw new TooLarge("body is over the limit of " + limit + " bytes");
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }
}
