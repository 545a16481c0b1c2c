package io.pvespan.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pvespan.controller.pve.PveException;
import io.pvespan.controller.pve.PveTls;
import io.pvespan.controller.pve.PveToken;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

class PveOptionsTest {
  static final String SECRET = "0a1b2c3d-1111-2222-3333-444455556666";
  static final String TOKEN = "pvespan@pve!controller=" + SECRET;

  @CommandLine.Command(name = "holder")
  static final class Holder {
    @Mixin PveOptions pve;

    @Parameters List<String> rest = List.of();
  }

  static PveOptions parse(String... args) {
    Holder h = new Holder();
    new CommandLine(h).parseArgs(args);
    return h.pve;
  }

  static InputStream stdin(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void bothValueFormsAndTheTrustChoice() throws Exception {
    PveOptions o = parse("--pve-url", "https://pve1", "--pve-token-file=-", "--pve-insecure");
    assertThat(o.problem()).isNull();
    assertThat(o.connection(stdin(TOKEN)).tls()).isEqualTo(new PveTls.Insecure());
    assertThat(o.toString()).doesNotContain(SECRET);
  }

  @Test
  void aTokenOnTheCommandLineIsRefusedPointingAtTheFileOption() throws Exception {
    for (String[] args :
        List.of(
            new String[] {"--pve-url", "https://pve1", "--pve-token=" + TOKEN},
            new String[] {"--pve-url", "https://pve1", "--pve-token", TOKEN, "--pve-token-file=-"},
            new String[] {"--pve-token", TOKEN})) {
      PveOptions o = parse(args);
      assertThat(o.problem())
          .isEqualTo(PveOptions.TOKEN_REFUSED)
          .contains("--pve-token-file FILE")
          .doesNotContain(SECRET)
          .hasLineCount(1);
      assertThatThrownBy(() -> o.connection(stdin(TOKEN)))
          .isInstanceOf(PveException.class)
          .hasMessage(PveOptions.TOKEN_REFUSED);
      assertThat(o.toString()).doesNotContain(SECRET);
    }
  }

  @Test
  void impossibleCombinationsAreOneLineUsageProblems() {
    assertThat(
            parse(
                    "--pve-url",
                    "https://x",
                    "--pve-token-file",
                    "-",
                    "--pve-insecure",
                    "--pve-fingerprint",
                    "AA")
                .problem())
        .isEqualTo("give at most one of --pve-fingerprint, --pve-ca-file and --pve-insecure");
    assertThat(parse("--pve-url", "https://x").problem())
        .isEqualTo("--pve-url needs --pve-token-file FILE (or - for standard input)");
    assertThat(parse("--pve-token-file", "-").problem())
        .isEqualTo("--pve-* options need --pve-url");
    assertThat(parse("x").present()).isFalse();
    assertThat(parse("x").problem()).isNull();
  }

  @Test
  void theTokenFileDashReadsStandardInput() throws Exception {
    PveOptions o = parse("--pve-url", "https://pve1", "--pve-token-file", "-");
    assertThat(o.problem()).isNull();
    assertThat(o.connection(stdin(TOKEN + "\n")).token()).isEqualTo(PveToken.parse(TOKEN));
    assertThat(o.connection(stdin(TOKEN + "\n")).url().getHost()).isEqualTo("pve1");

    assertThatThrownBy(() -> o.connection(stdin("  \n")))
        .isInstanceOf(PveException.class)
        .hasMessage("--pve-token-file -: no token on standard input");
    assertThatThrownBy(() -> o.connection(stdin("x".repeat(5000))))
        .isInstanceOf(PveException.class)
        .hasMessageContaining("too long");
    assertThatThrownBy(() -> o.connection(stdin("not a token")))
        .isInstanceOf(PveException.class)
        .hasMessageContaining("USER@REALM!TOKENID=SECRET")
        .hasMessageNotContaining("not a token");
  }
}
