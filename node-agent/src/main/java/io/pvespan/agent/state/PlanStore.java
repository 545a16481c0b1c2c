package io.pvespan.agent.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The last accepted plan, kept in {@code <state-dir>/plan.json} so the agent keeps mirroring after
 * a restart without the controller. Writes are atomic and durable: a temp file in the same
 * directory, written and fsynced, renamed over the old file, then the directory fsynced (the rename
 * itself must survive a crash). A reader therefore sees the old plan or the new one, never a mix.
 */
public final class PlanStore {
  public static final String FILE = "plan.json";

  private final Path dir;

  public PlanStore(Path dir) {
    this.dir = dir;
  }

  public Path file() {
    return dir.resolve(FILE);
  }

  /** Replaces the stored plan atomically; on failure the old file is untouched. */
  public void save(NodeMirrorPlan plan) throws IOException {
    byte[] json = PlanJson.writePretty(plan).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Path temp = Files.createTempFile(dir, ".plan-", ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(json);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.move(temp, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      // Linux allows fsync on a directory opened read-only; it makes the rename durable.
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** The stored plan: absent, loaded, or unreadable with a one-line reason. */
  public StoredPlan load() {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file());
    } catch (NoSuchFileException e) {
      return new StoredPlan.Absent();
    } catch (IOException e) {
      return new StoredPlan.Corrupt(file() + ": cannot read: " + e.getMessage());
    }
    try {
      return new StoredPlan.Loaded(PlanJson.MAPPER.readValue(bytes, NodeMirrorPlan.class));
    } catch (JsonProcessingException e) {
      return new StoredPlan.Corrupt(file() + ": " + JsonProblem.describe(e));
    } catch (IOException | RuntimeException e) {
      return new StoredPlan.Corrupt(file() + ": " + e.getMessage());
    }
  }
}
