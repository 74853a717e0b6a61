// Fused CUDA ops for the demo LM: softmax cross-entropy forward and a cuBLAS linear layer.
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAException.h>
#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <torch/extension.h>

#include <cmath>
#include <vector>

namespace {

constexpr int kWarpSize = 32;
constexpr int kThreads = 256;  // one block per row, 8 warps

__device__ __forceinline__ float warp_max(float v) {
  for (int offset = kWarpSize / 2; offset > 0; offset >>= 1) {
    v = fmaxf(v, __shfl_xor_sync(0xffffffff, v, offset));
  }
  return v;
}

__device__ __forceinline__ float warp_sum(float v) {
  for (int offset = kWarpSize / 2; offset > 0; offset >>= 1) {
    v += __shfl_xor_sync(0xffffffff, v, offset);
  }
  return v;
}

// Block-wide reduction: each warp reduces in registers, warp leaders meet in shared memory,
// and warp 0 reduces the partials. The result is valid in thread 0.
template <bool kIsMax>
__device__ float block_reduce(float v, float* partials) {
  const int lane = threadIdx.x & (kWarpSize - 1);
  const int warp = threadIdx.x / kWarpSize;
  v = kIsMax ? warp_max(v) : warp_sum(v);
  if (lane == 0) partials[warp] = v;
  __syncthreads();
  const float identity = kIsMax ? -INFINITY : 0.f;
  v = (threadIdx.x < blockDim.x / kWarpSize) ? partials[lane] : identity;
  if (warp == 0) v = kIsMax ? warp_max(v) : warp_sum(v);
  __syncthreads();  // partials is reused by the next reduction
  return v;
}

// loss[row] = logsumexp(logits[row]) - logits[row][target]; the batch mean goes to *mean_loss.
__global__ void softmax_xent_fwd_kernel(const float* __restrict__ logits, const int64_t* __restrict__ targets,
                                        float* __restrict__ row_loss, float* __restrict__ mean_loss,
                                        int n_cols, float inv_rows, int64_t ignore_index) {
  __shared__ float partials[kThreads / kWarpSize];
  __shared__ float row_max;
  const int64_t row = blockIdx.x;
  const float* x = logits + row * n_cols;

  float m = -INFINITY;
  for (int c = threadIdx.x; c < n_cols; c += blockDim.x) m = fmaxf(m, x[c]);
  m = block_reduce<true>(m, partials);
  if (threadIdx.x == 0) row_max = m;
  __syncthreads();

  float s = 0.f;
  for (int c = threadIdx.x; c < n_cols; c += blockDim.x) s += __expf(x[c] - row_max);
  s = block_reduce<false>(s, partials);

  if (threadIdx.x == 0) {
    const int64_t t = targets[row];
    const float loss = (t == ignore_index) ? 0.f : logf(s) + row_max - x[t];
    row_loss[row] = loss;
    atomicAdd(mean_loss, loss * inv_rows);
  }
}

}  // namespace

std::vector<torch::Tensor> softmax_xent_forward(torch::Tensor logits, torch::Tensor targets,
                                                int64_t ignore_index) {
  TORCH_CHECK(logits.is_cuda() && targets.is_cuda(), "softmax_xent_forward: inputs must be CUDA tensors");
  TORCH_CHECK(logits.scalar_type() == at::kFloat, "softmax_xent_forward: logits must be float32");
  TORCH_CHECK(logits.dim() == 2 && targets.dim() == 1 && targets.size(0) == logits.size(0));
  auto x = logits.contiguous();
  auto t = targets.to(at::kLong).contiguous();
  const int64_t rows = x.size(0);
  const int cols = static_cast<int>(x.size(1));
  auto row_loss = torch::empty({rows}, x.options());
  auto mean_loss = torch::zeros({}, x.options());
  if (rows == 0) return {mean_loss, row_loss};

  cudaStream_t stream = at::cuda::getCurrentCUDAStream();
  const dim3 grid(static_cast<unsigned int>(rows));
  softmax_xent_fwd_kernel<<<grid, kThreads, 0, stream>>>(
      x.data_ptr<float>(), t.data_ptr<int64_t>(), row_loss.data_ptr<float>(), mean_loss.data_ptr<float>(), cols,
      1.f / static_cast<float>(rows), ignore_index);
  C10_CUDA_KERNEL_LAUNCH_CHECK();
  return {mean_loss, row_loss};
}

// y = x @ w^T + bias for row-major float32 tensors. cuBLAS is column-major, so we compute
// y^T (n x m) = w (n x k) * x^T (k x m) on PyTorch's handle, which is bound to the current stream.
torch::Tensor linear_forward(torch::Tensor x, torch::Tensor w, c10::optional<torch::Tensor> bias) {
  TORCH_CHECK(x.is_cuda() && w.is_cuda(), "linear_forward: inputs must be CUDA tensors");
  TORCH_CHECK(x.scalar_type() == at::kFloat && w.scalar_type() == at::kFloat, "linear_forward: float32 only");
  auto xc = x.contiguous();
  auto wc = w.contiguous();
  const int m = static_cast<int>(xc.size(0));
  const int k = static_cast<int>(xc.size(1));
  const int n = static_cast<int>(wc.size(0));
  TORCH_CHECK(wc.size(1) == k, "linear_forward: shape mismatch");
  auto y = torch::empty({m, n}, xc.options());

  cublasHandle_t handle = at::cuda::getCurrentCUDABlasHandle();
  const float alpha = 1.f;
  const float beta = 0.f;
  TORCH_CUDABLAS_CHECK(cublasSgemm(handle, CUBLAS_OP_T, CUBLAS_OP_N, n, m, k, &alpha, wc.data_ptr<float>(), k,
                                   xc.data_ptr<float>(), k, &beta, y.data_ptr<float>(), n));
  if (bias.has_value()) y.add_(bias.value());
  return y;
}
