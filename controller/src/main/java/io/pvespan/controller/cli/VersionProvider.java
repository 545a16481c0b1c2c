package io.pvespan.controller.cli;

import io.pvespan.version.PvespanVersion;
import picocli.CommandLine.IVersionProvider;

/** {@code ./pvespan --version}: the Maven project version, filled in at build time. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {PvespanVersion.line("controller and command line")};
  }
}
