package org.umedpt.nn;

import org.umedpt.tensor.Graph;
import org.umedpt.tensor.Ops;
import org.umedpt.tensor.Rng;
import org.umedpt.tensor.Tensor;

/**
 * Linear → GELU → dropout → Linear → dropout, as torchvision's {@code MLP(dim, [hidden, dim])}
 * whose Sequential slots give the names {@code 0} (first Linear) and {@code 3} (second Linear).
 */
public final class Mlp extends Module {
    public final Linear fc1, fc2;
    private final float dropout;

    public Mlp(int dim, int hidden, float dropout, Rng rng) {
        this.fc1 = child("0", new Linear(dim, hidden, true, rng));
        this.fc2 = child("3", new Linear(hidden, dim, true, rng));
        this.dropout = dropout;
    }

    public Tensor forward(Graph g, Tensor x, Rng rng) {
        Tensor h = Ops.dropout(g, Ops.gelu(g, fc1.forward(g, x)), dropout, training(), rng);
        return Ops.dropout(g, fc2.forward(g, h), dropout, training(), rng);
    }
}
