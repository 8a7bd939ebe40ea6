package dev.segmentflow.transcode.encode;

/** Where the work of a ladder runs. Chosen once per process by {@link EncoderProbe}. */
public enum EncoderPath {
  /** Decode, scale and encode (libx264) on the CPU: works everywhere, the tested default. */
  CPU,
  /** Encode with NVENC; decode and scale on the CPU. */
  NVENC,
  /**
   * Decode with NVDEC (cuvid) and scale with scale_cuda on the GPU, encode with libx264: for GPUs
   * without NVENC, such as the H100.
   */
  NVDEC_X264
}
