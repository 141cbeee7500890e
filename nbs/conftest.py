"pytest settings for the notebooks: with two notebooks at a time (pytest-xdist), each kernel gets one CPU thread."
import os

if os.environ.get("PYTEST_XDIST_WORKER"):     # kernels inherit the worker's environment; two threads each would fight
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("MKL_NUM_THREADS", "1")
