package org.umedpt.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Children named by position ("0", "1", …), as PyTorch's {@code nn.Sequential} names them. */
public final class ModuleList<M extends Module> extends Module {
    private final List<M> items = new ArrayList<>();

    /** Adds {@code m} under the next index. */
    public M add(M m) {
        child(Integer.toString(items.size()), m);
        items.add(m);
        return m;
    }

    public List<M> items() {
        return Collections.unmodifiableList(items);
    }

    public M get(int i) {
        return items.get(i);
    }

    public int size() {
        return items.size();
    }
}
