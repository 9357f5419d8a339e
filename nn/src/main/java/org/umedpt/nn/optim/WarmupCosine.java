package org.umedpt.nn.optim;

/**
 * Linear warm-up then cosine decay:
 * lr(s) = base·(s+1)/warmup for s &lt; warmup, else
 * min + (base − min)·½·(1 + cos(π·(s − warmup)/(total − warmup))), s counted from 0.
 */
public record WarmupCosine(float baseLr, int warmupSteps, int totalSteps, float minLr) {
    public WarmupCosine {
        if (warmupSteps < 0 || totalSteps <= warmupSteps || !(baseLr >= 0) || !(minLr >= 0)) {
            throw new IllegalArgumentException("WarmupCosine: need 0 <= warmup < total and non-negative rates; got warmup "
                    + warmupSteps + ", total " + totalSteps + ", lr " + baseLr + ", min " + minLr);
        }
    }

    public float lr(long step) {
        if (step < warmupSteps) return baseLr * (step + 1) / warmupSteps;
        double t = Math.min(1.0, (double) (step - warmupSteps) / (totalSteps - warmupSteps));
        return (float) (minLr + (baseLr - minLr) * 0.5 * (1 + Math.cos(Math.PI * t)));
    }
}
