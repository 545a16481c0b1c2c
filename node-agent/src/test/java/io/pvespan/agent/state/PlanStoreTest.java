package io.pvespan.agent.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pvespan.agent.fakes.Plans;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanStoreTest {
  @TempDir Path dir;

  private long filesIn(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.count();
    }
  }

  @Test
  void absentAtFirstStart() {
    assertThat(new PlanStore(dir).load()).isEqualTo(new StoredPlan.Absent());
  }

  @Test
  void savedPlanReloadsEqualAndLeavesNoTempFile() throws IOException {
    PlanStore store = new PlanStore(dir);
    store.save(Plans.full(3));
    store.save(Plans.full(4));
    assertThat(new PlanStore(dir).load()).isEqualTo(new StoredPlan.Loaded(Plans.full(4)));
    assertThat(filesIn(dir)).isEqualTo(1);
  }

  @Test
  void aFailedSaveKeepsTheOldPlan() throws IOException {
    PlanStore store = new PlanStore(dir);
    store.save(Plans.simple(1));
    // A directory in the way of the rename: the write fails after the temp file was written.
    Path blocked = dir.resolve("blocked");
    Files.createDirectory(blocked);
    Files.createDirectory(blocked.resolve(PlanStore.FILE));
    Files.writeString(blocked.resolve(PlanStore.FILE).resolve("x"), "keeps the dir non-empty");
    assertThatThrownBy(() -> new PlanStore(blocked).save(Plans.simple(2)))
        .isInstanceOf(IOException.class);
    assertThat(filesIn(blocked)).isEqualTo(1);
    assertThat(store.load()).isEqualTo(new StoredPlan.Loaded(Plans.simple(1)));
  }

  @Test
  void corruptFileIsReportedInOneLine() throws IOException {
    Files.writeString(dir.resolve(PlanStore.FILE), "{\"node\": \"pve1\", \"generation\": ");
    StoredPlan loaded = new PlanStore(dir).load();
    assertThat(loaded).isInstanceOf(StoredPlan.Corrupt.class);
    String reason = ((StoredPlan.Corrupt) loaded).reason();
    assertThat(reason).startsWith(dir.resolve(PlanStore.FILE) + ": ").doesNotContain("\n");
  }

  @Test
  void hostileStoredPlanIsCorruptWithItsPath() throws IOException {
    String json = Plans.json(Plans.simple(1)).replace("tap101i0", "tap1;reboot");
    Files.writeString(dir.resolve(PlanStore.FILE), json);
    StoredPlan loaded = new PlanStore(dir).load();
    assertThat(((StoredPlan.Corrupt) loaded).reason())
        .contains("mirrors[0].interface: 'tap1;reboot' is not a Linux interface name");
  }
}
