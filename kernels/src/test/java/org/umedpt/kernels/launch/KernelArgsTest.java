package org.umedpt.kernels.launch;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelArgsTest {
    private static final Kernel K = new Kernel("test", "k", "pifpi");

    @Test
    void packsValuesInOrderWithTheirTypes() {
        Object[] p = KernelArgs.of(K).ptr(0x1000).i(7).f(0.5f).ptr(0).i(true).packed();
        assertArrayEquals(new Object[] {0x1000L, 7, 0.5f, 0L, 1}, p);
    }

    @Test
    void parameterBufferUsesNaturalAlignment() {
        // p at 0, i at 8, f at 12, p at 16 (8-aligned), i at 24; total 32 (8-aligned)
        assertArrayEquals(new int[] {0, 8, 12, 16, 24, 32}, KernelArgs.of(K).offsets());
        assertArrayEquals(new int[] {0, 8, 16, 24}, KernelArgs.of(new Kernel("t", "k", "ipp")).offsets());
    }

    @Test
    void aWrongTypeNamesTheKernelAndPosition() {
        var e = assertThrows(IllegalArgumentException.class, () -> KernelArgs.of(K).ptr(1).f(1f));
        assertTrue(e.getMessage().contains("k: parameter 1 is 'i'"), e.getMessage());
    }

    @Test
    void missingOrExtraParametersAreRefused() {
        var missing = assertThrows(IllegalArgumentException.class, () -> KernelArgs.of(K).ptr(1).i(2).packed());
        assertTrue(missing.getMessage().contains("2 of 5 parameters"), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KernelArgs.of(new Kernel("t", "k", "i")).i(1).i(2));
    }

    @Test
    void signaturesAreCheckedWhenDeclared() {
        assertThrows(IllegalArgumentException.class, () -> new Kernel("t", "k", "pd"));
        assertEquals("pfi", ElementwiseKernels.FILL.signature());
    }
}
