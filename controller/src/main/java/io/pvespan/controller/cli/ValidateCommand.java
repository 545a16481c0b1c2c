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
      "A sensorRef in a named FILE may name a Sensor in another spec file of the same directory"
          + " (tree): those files count for references, but only the named files are checked.",
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
    List<Path> files = SpecLoader.files(paths, unused);
    LoadResult result = SpecLoader.load(paths);
    List<SpecProblem> problems = SiblingSensors.resolve(paths, result.problems());
    if (!problems.isEmpty()) {
      problems.forEach(err::println);
      err.flush();
      return 1;
    }
    int specs =
        result.ok()
            ? result.specs().sensors().size()
                + result.specs().groups().size()
                + result.specs().sessions().size()
            : SiblingSensors.documents(files);
    out.println(
        specs
            + (specs == 1 ? " spec" : " specs")
            + " valid in "
            + files.size()
            + (files.size() == 1 ? " file" : " files"));
    out.flush();
    return 0;
  }
}
