package org.umedpt.kernels;

import org.umedpt.tensor.Backend;
import org.umedpt.tensor.BackendProvider;

/**
 * The child JVM of {@link StubLibcudaTest}: asks for the CUDA backend the way a user does and
 * reports how it went on stdout. Exit 0: a device; 3: the clear "unavailable" message; 4: any
 * other exception (a crash of the JVM itself gives neither).
 */
public final class LoadProbe {
    private LoadProbe() {}

    public static void main(String[] args) {
        try (Backend b = BackendProvider.open("cuda", 1)) {
            System.out.println("DEVICE " + b.name());
            System.exit(0);
        } catch (CudaUnavailableException e) {
            System.out.println("UNAVAILABLE " + e.getMessage());
            System.exit(3);
        } catch (Throwable t) {
            System.out.println("OTHER " + t);
            t.printStackTrace(System.out);
            System.exit(4);
        }
    }
}
