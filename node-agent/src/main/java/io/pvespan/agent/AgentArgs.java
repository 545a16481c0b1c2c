package io.pvespan.agent;

import io.pvespan.server.cli.CommandLineStyle;
import io.pvespan.version.PvespanVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The agent's command line as picocli sees it: the options as given (text), their help, and the
 * translation of picocli's parse errors into one-line {@link UsageException}s. {@link AgentOptions}
 * checks the values.
 */
@Command(
    name = "./pvespan agent",
    customSynopsis = {
      "./pvespan agent --node NAME --listen HOST:PORT --state-dir DIR",
      "    (--tls-cert PEM --tls-key PEM [--tls-ca PEM] | --insecure-lab-http)",
      "    [--token-file FILE] [--netns NAME] [--underlay CIDR,...] [--resync SECONDS]",
      "    [--canary-interval SECONDS]"
    },
    synopsisHeading = "usage: ",
    descriptionHeading = "%n",
    optionListHeading = "%noptions:%n",
    sortOptions = false,
    usageHelpWidth = 100,
    versionProvider = AgentArgs.Version.class,
    description = {
      "Runs the node agent on a Proxmox VE node (as root): serves the plan API, makes the kernel"
          + " match the node's plan (tc mirred, tunnel devices), keeps it true and reports drift.",
      "Exit 2 with one line for a usage mistake, 1 with one line when the agent cannot run;"
          + " otherwise it runs until SIGTERM/SIGINT."
    })
final class AgentArgs {
  @Option(
      names = "--node",
      paramLabel = "NAME",
      description = "this node's name in the Proxmox cluster (as in the plans)")
  String node;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      description = "where the agent API listens ([IPv6]:PORT too; port 0 picks a free one)")
  String listen;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description = "where the last accepted plan is kept across restarts")
  String stateDir;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "the bearer token the controller must send (mode 600); required without --tls-ca,"
              + " checked as well with it")
  String tokenFile;

  @Option(
      names = "--tls-cert",
      paramLabel = "PEM",
      description = "serve HTTPS with this certificate (with --tls-key)")
  String tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "PEM",
      description = "the private key of --tls-cert (with --tls-cert)")
  String tlsKey;

  @Option(
      names = "--tls-ca",
      paramLabel = "PEM",
      description =
          "mutual TLS: plans only from a client certificate signed by this CA with the"
              + " controller role (OU=pvespan-controller); --tls-cert must be this node's"
              + " (CN=NAME, OU=pvespan-agent); see ./pvespan certs")
  String tlsCa;

  @Option(
      names = "--insecure-lab-http",
      description =
          "(lab only) serve plain HTTP: plans and the token travel in clear text; without TLS"
              + " options the agent refuses to start unless this is given")
  boolean insecureLabHttp;

  @Option(
      names = "--netns",
      paramLabel = "NAME",
      description = "(lab only) act on this network namespace: ip -n NAME, tc -n NAME")
  String netns;

  @Option(
      names = "--underlay",
      paramLabel = "CIDR",
      split = ",",
      description =
          "the node's underlay network(s): the only addresses a plan's tunnels may use as"
              + " endpoints (repeat or comma-separate; without it only local mirrors are accepted)")
  java.util.List<String> underlay;

  @Option(
      names = "--resync",
      paramLabel = "SECONDS",
      description = "re-read the kernel and converge at least this often, 1..86400 (default 30)")
  String resync;

  @Option(
      names = "--canary-interval",
      paramLabel = "SECONDS",
      description =
          "send a canary per mirrored session and target this often, and count those arriving at"
              + " this node's sensors; 0 sends none (default 10; docs/canaries.md)")
  String canaryInterval;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "show this help and exit")
  boolean help;

  @Option(
      names = {"-V", "--version"},
      versionHelp = true,
      description = "print the version and exit")
  boolean version;

  /** A fresh command line for one parse. */
  static CommandLine commandLine() {
    return new CommandLine(new AgentArgs());
  }

  /** Parses {@code args} into {@code line}'s {@link AgentArgs}; picocli's errors as one line. */
  static AgentArgs parse(CommandLine line, String... args) throws UsageException {
    try {
      line.parseArgs(args);
    } catch (ParameterException e) {
      throw new UsageException(CommandLineStyle.oneLine(e, null));
    }
    return line.getCommand();
  }

  /** {@code --version}: the Maven project version, filled in at build time. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {PvespanVersion.line("node agent")};
    }
  }
}
