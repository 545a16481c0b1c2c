package io.pvespan.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pvespan.model.GuestType;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import java.util.List;

/**
 * Which guests and NICs a session mirrors. Each field that is present narrows the selection (AND);
 * within a list any value matches (OR). An absent field (null) does not narrow; an empty list
 * selects nothing. {@code nics} absent means every NIC. {@code exclude} removes guests that match
 * it (its own {@code exclude} must be absent).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SourceSelector(
    List<VmId> vmids,
    List<String> tags,
    List<String> pools,
    List<String> nodes,
    List<GuestType> types,
    List<NicId> nics,
    SourceSelector exclude) {
  public SourceSelector {
    vmids = vmids == null ? null : List.copyOf(vmids);
    tags = tags == null ? null : List.copyOf(tags);
    pools = pools == null ? null : List.copyOf(pools);
    nodes = nodes == null ? null : List.copyOf(nodes);
    types = types == null ? null : List.copyOf(types);
    nics = nics == null ? null : List.copyOf(nics);
    if (exclude != null && exclude.exclude() != null) {
      throw new IllegalArgumentException("sources.exclude cannot have its own exclude");
    }
  }

  public static SourceSelector ofVmids(VmId... ids) {
    return new SourceSelector(List.of(ids), null, null, null, null, null, null);
  }
}
