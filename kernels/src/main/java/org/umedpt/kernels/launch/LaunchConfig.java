package org.umedpt.kernels.launch;

/**
 * Grid, block and dynamic shared memory of one launch, and the shapes the kernels use:
 * {@link #elementwise} for grid-stride loops, {@link #rows} for one block per row.
 */
public record LaunchConfig(int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ, int sharedBytes) {
    /** Threads per block of the grid-stride kernels. */
    public static final int ELEMENT_BLOCK = 256;
    /**
     * Most blocks a grid-stride launch uses: enough to fill an H100's 132 SMs several times over
     * (2048 threads each); more only adds scheduling.
     */
    public static final int MAX_ELEMENT_BLOCKS = 132 * 8 * 4;
    /** The largest grid.x the driver accepts. */
    public static final int MAX_GRID_X = Integer.MAX_VALUE;

    public LaunchConfig {
        if (gridX < 1 || gridY < 1 || gridZ < 1 || blockX < 1 || blockY < 1 || blockZ < 1 || sharedBytes < 0) {
            throw new IllegalArgumentException("LaunchConfig: bad launch " + describe(gridX, gridY, gridZ, blockX, blockY, blockZ));
        }
        if ((long) blockX * blockY * blockZ > 1024) {
            throw new IllegalArgumentException("LaunchConfig: block (" + blockX + "," + blockY + "," + blockZ + ") has more than 1024 threads");
        }
        if (gridY > 65535 || gridZ > 65535) {
            throw new IllegalArgumentException("LaunchConfig: grid y/z above 65535: " + describe(gridX, gridY, gridZ, blockX, blockY, blockZ));
        }
    }

    /** One thread per element over n elements, grid-stride: ceil(n / 256) blocks of 256, at most {@link #MAX_ELEMENT_BLOCKS}. */
    public static LaunchConfig elementwise(long n) {
        long blocks = Math.max(1, Math.min((n + ELEMENT_BLOCK - 1) / ELEMENT_BLOCK, MAX_ELEMENT_BLOCKS));
        return new LaunchConfig((int) blocks, 1, 1, ELEMENT_BLOCK, 1, 1, 0);
    }

    /**
     * One block per row: the smallest multiple of 32 covering the row with each thread taking at
     * most 4 elements, between 32 and 1024 threads (rows of 96 channels: 32; 1000 classes: 256).
     */
    public static LaunchConfig rows(int rows, int cols) {
        return new LaunchConfig(Math.max(rows, 1), 1, 1, rowBlock(cols), 1, 1, 0);
    }

    static int rowBlock(int cols) {
        int perThread = 4;
        int threads = (cols + perThread - 1) / perThread;
        int b = (threads + 31) / 32 * 32;
        return Math.max(32, Math.min(1024, b));
    }

    public LaunchConfig withShared(int bytes) {
        return new LaunchConfig(gridX, gridY, gridZ, blockX, blockY, blockZ, bytes);
    }

    public String describe() {
        return describe(gridX, gridY, gridZ, blockX, blockY, blockZ) + (sharedBytes > 0 ? " shared " + sharedBytes + " B" : "");
    }

    private static String describe(int gx, int gy, int gz, int bx, int by, int bz) {
        return "grid (" + gx + "," + gy + "," + gz + ") block (" + bx + "," + by + "," + bz + ")";
    }
}
