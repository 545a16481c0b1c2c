package io.pvespan.controller.tls;

import java.security.cert.CertificateException;

/**
 * The server's certificate was refused; carries the one line for the user (with the server's
 * fingerprint, and the expected one when pinned).
 */
public final class UntrustedCertificateException extends CertificateException {
  public UntrustedCertificateException(String message, Throwable cause) {
    super(message, cause);
  }
}
