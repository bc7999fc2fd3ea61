import os

# One BLAS thread per process, set before anything imports NumPy (the search embedding
# model, search/embeddings.py). A query's embedding is a chain of small matrix
# products, where OpenBLAS' extra threads cost more to wake than they save, and web workers
# already use every core: on a busy 2-core machine one thread took 19 ms a query, two
# threads 100 ms.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
