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
        Tensor h = fc1.forward(g, x);
        Tensor y;
        if (dropout == 0f || !training()) { // GELU's output is recomputed in backward, not kept (the MLP's largest activation)
            y = Ops.geluLinear(g, h, fc2.weight, fc2.bias);
        } else {
            y = fc2.forward(g, Ops.dropout(g, Ops.gelu(g, h), dropout, training(), rng));
        }
        return Ops.dropout(g, y, dropout, training(), rng);
    }
}
