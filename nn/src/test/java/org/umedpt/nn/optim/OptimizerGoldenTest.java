package org.umedpt.nn.optim;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.umedpt.tensor.Tensor;
import org.umedpt.tensor.cpu.CpuBackend;
import org.umedpt.tensor.io.SafeTensors;
import org.umedpt.tensor.testing.Goldens;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * AdamW, SGD (plain and Nesterov), gradient clipping and the warm-up/cosine schedule against
 * PyTorch ({@code tools/goldens/make_optim_goldens.py}: float64 from float32 inputs), four steps on
 * the same tensors; parameters agree to 1e-6 relative.
 */
class OptimizerGoldenTest {
    static CpuBackend cpu;
    static SafeTensors.Contents c;

    @BeforeAll
    static void setUp() {
        cpu = new CpuBackend(1);
        c = Goldens.load("optim.safetensors");
    }

    @AfterAll
    static void tearDown() {
        cpu.close();
    }

    private static Map<String, Tensor> params() {
        Map<String, Tensor> p = new LinkedHashMap<>();
        p.put("p0", c.get("init.p0").copyToHeap().requiresGrad(true));
        p.put("p1", c.get("init.p1").copyToHeap().requiresGrad(true));
        return p;
    }

    private static void run(String kase, Map<String, Tensor> p, Optimizer opt) {
        for (int s = 1; s <= 4; s++) {
            for (String n : p.keySet()) p.get(n).setGrad(c.get("grad.s" + s + "." + n).copyToHeap());
            opt.step();
            for (String n : p.keySet()) {
                Goldens.assertClose(kase + " step " + s + " " + n, c.get(kase + ".s" + s + "." + n), p.get(n), 1e-6, 1e-7);
            }
        }
    }

    @Test
    void adamW() {
        Map<String, Tensor> p = params();
        AdamW opt = new AdamW(cpu, p, 1e-2f, 0.9, 0.999, 1e-8f, 0.05f, Set.of());
        run("adamw", p, opt);
        Goldens.assertClose("adamw exp_avg", c.get("adamw.m.p0"), opt.state().get("exp_avg.p0"), 1e-6, 1e-8);
        Goldens.assertClose("adamw exp_avg_sq", c.get("adamw.v.p0"), opt.state().get("exp_avg_sq.p0"), 1e-6, 1e-10);
    }

    @Test
    void adamWDefaultRuleExemptsVectorsFromDecay() {
        Map<String, Tensor> p = params();
        AdamW opt = new AdamW(cpu, p, 1e-2f, 0.9, 0.999, 1e-8f, 0.05f, null); // p1 is 1-D: no decay
        run("adamw_nodecay_p1", p, opt);
        assertEquals(true, opt.decays("p0"));
        assertEquals(false, opt.decays("p1"));
    }

    @Test
    void sgd() {
        Map<String, Tensor> p = params();
        run("sgd", p, new Sgd(cpu, p, 0.1f, 0.9f, 1e-4f, false));
        Map<String, Tensor> q = params();
        run("sgd_nesterov", q, new Sgd(cpu, q, 0.1f, 0.9f, 1e-4f, true));
    }

    @Test
    void clipByGlobalNorm() {
        Map<String, Tensor> p = params();
        for (String n : p.keySet()) p.get(n).setGrad(c.get("grad.s1." + n).copyToHeap());
        double norm = GradClip.clipGradNorm(cpu, p.values(), 1.0);
        assertEquals(c.get("clip.total_norm").item(), norm, 1e-5);
        for (String n : p.keySet()) Goldens.assertClose("clip " + n, c.get("clip." + n), p.get(n).grad(), 1e-6, 1e-8);
    }

    @Test
    void warmupCosine() {
        WarmupCosine s = new WarmupCosine(1e-3f, 5, 20, 0f);
        float[] lr = new float[20];
        for (int i = 0; i < 20; i++) lr[i] = s.lr(i);
        Goldens.assertClose("cosine", c.get("cosine.lr"), Tensor.of(lr, 20), 1e-6, 1e-12);
    }

    @Test
    void stateRoundTripResumesExactly() {
        Function<Map<String, Tensor>, Optimizer> make = p -> new AdamW(cpu, p, 1e-2f, 0.9, 0.999, 1e-8f, 0.05f, null);
        Map<String, Tensor> a = params(), b = params();
        Optimizer oa = make.apply(a), ob = make.apply(b);
        for (int s = 1; s <= 4; s++) {
            for (String n : a.keySet()) a.get(n).setGrad(c.get("grad.s" + s + "." + n).copyToHeap());
            oa.step();
            if (s <= 2) {
                for (String n : b.keySet()) b.get(n).setGrad(c.get("grad.s" + s + "." + n).copyToHeap());
                ob.step();
            }
        }
        // "restart" b after step 2: fresh optimizer + restored state, then steps 3 and 4
        Map<String, Tensor> saved = ob.state();
        Optimizer ob2 = make.apply(b);
        ob2.loadState(saved);
        assertEquals(2, ob2.steps());
        for (int s = 3; s <= 4; s++) {
            for (String n : b.keySet()) b.get(n).setGrad(c.get("grad.s" + s + "." + n).copyToHeap());
            ob2.step();
        }
        for (String n : a.keySet()) {
            float[] x = a.get(n).toArray(), y = b.get(n).toArray();
            for (int i = 0; i < x.length; i++) assertEquals(Float.floatToIntBits(x[i]), Float.floatToIntBits(y[i]), n + "[" + i + "]");
        }
    }
}
