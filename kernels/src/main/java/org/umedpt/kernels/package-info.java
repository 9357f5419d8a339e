/**
 * The CUDA backend (JCuda driver API, cuBLAS, custom PTX kernels), found at run time through
 * {@link java.util.ServiceLoader}. Not written yet: this module builds empty until the CUDA issue.
 */
package org.umedpt.kernels;
