package org.umedpt.tensor;

/**
 * Elementwise binary primitives {@code out = a op b}, where {@code b} may be broadcast (see
 * {@link Backend#binary}). The reversed forms let the broadcast operand be the left one of a
 * non-commutative op: {@code RSUB} is {@code b − a}, {@code RDIV} is {@code b / a}.
 */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, RSUB, RDIV;

    /** a op b in float arithmetic (the CPU kernels' scalar paths). */
    public float apply(float a, float b) {
        return switch (this) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case RSUB -> b - a;
            case RDIV -> b / a;
        };
    }
}
