package io.pvespan.controller.cli;

import io.pvespan.spec.load.LoadResult;
import io.pvespan.spec.load.SpecLoader;
import io.pvespan.spec.load.SpecProblem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./pvespan validate PATH...}: checks spec files and directory trees (schemas and
 * semantics). Exit 0 with a one-line summary on {@code out}; 1 with one {@code file:line:col:
 * message} line per problem on {@code err}; 2 for usage errors.
 */
@picocli.CommandLine.Command(
    name = "validate",
    description = {
      "check spec files (schemas and semantics); one line per problem",
      "",
      "Checks pvespan specs (Sensor, MirrorSession) against their JSON Schemas and semantics.",
      "Exit 0 when all are valid, 1 with one line per problem (file:line:col: message),"
          + " 2 for usage errors."
    })
public final class ValidateCommand implements Command, Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin HelpOption help;

  @Parameters(
      paramLabel = "PATH",
      arity = "0..*",
      description =
          "a YAML file, or a directory searched for *.yaml and *.yml (hidden ones skipped);"
              + " after --, a PATH may start with -")
  List<Path> paths = new ArrayList<>();

  @Override
  public Integer call() {
    if (paths.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "no PATH given");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<SpecProblem> unused = new ArrayList<>();
    int files = SpecLoader.files(paths, unused).size();
    LoadResult result = SpecLoader.load(paths);
    if (!result.ok()) {
      result.problems().forEach(err::println);
      err.flush();
      return 1;
    }
    int specs = result.specs().sensors().size() + result.specs().sessions().size();
    out.println(
        specs
            + (specs == 1 ? " spec" : " specs")
            + " valid in "
            + files
            + (files == 1 ? " file" : " files"));
    out.flush();
    return 0;
  }
}
