package io.pvespan.agent;

import io.pvespan.agent.api.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the shared bearer token. The file must not be readable or writable by group or others (like
 * ssh refuses a loose private key): a token anyone on the node can read is no secret.
 */
final class TokenFile {
  private TokenFile() {}

  /** The token (trimmed); an {@link IOException} with one line when unusable. */
  static String read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("token file " + file + " does not exist or is not a file");
    }
    PrivateFiles.refuseLoose(file, "token file " + file);
    String token;
    try {
      token = Files.readString(file, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new IOException("token file " + file + " is unreadable: " + e.getMessage());
    }
    if (token.isEmpty() || token.contains("\n") || token.contains(" ")) {
      throw new IOException("token file " + file + " must hold one token on one line");
    }
    return token;
  }
}
