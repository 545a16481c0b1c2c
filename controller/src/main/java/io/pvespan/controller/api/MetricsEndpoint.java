package io.pvespan.controller.api;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /metrics}: a registry's scrape in the format the scraper accepts (OpenMetrics when
 * Prometheus asks for it, else text format 0.0.4). Protobuf is never chosen: its writer (a 2 MB
 * shaded protobuf) is left off the class path. The agent has the same class: the two processes
 * share no code.
 */
final class MetricsEndpoint {
  private final PrometheusRegistry registry;
  private final ExpositionFormats formats = ExpositionFormats.init();

  /** One answer: its Content-Type and body. */
  record Scrape(String contentType, String body) {}

  MetricsEndpoint(PrometheusRegistry registry) {
    this.registry = registry;
  }

  /**
   * @param accept the request's {@code Accept} header, or null
   */
  Scrape scrape(String accept) throws IOException {
    ExpositionFormatWriter writer = formats.findWriter(accept);
    if (!writer.isAvailable()) {
      writer = formats.getPrometheusTextFormatWriter();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    writer.write(out, registry.scrape());
    return new Scrape(writer.getContentType(), out.toString(StandardCharsets.UTF_8));
  }
}
