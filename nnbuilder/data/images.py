"""Image data sets: the bundled Fashion-MNIST and MNIST test set, user IDX files and folders of pictures.

All loaders hand out float32 arrays shaped (N, H, W) - (N, 1, H, W) with ``channels`` for convolution layers,
(N, H*W) with ``flatten`` for dense ones - so the student picks the shape that matches the first layer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from nnbuilder.paths import data_dir

from .dataset import Dataset, class_count
from .errors import DataError, describe
from .idx import read_idx, to_float

FASHION_CLASSES = [
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
]
DIGIT_CLASSES = [str(d) for d in range(10)]
FASHION_ATTRIBUTION = "Fashion-MNIST, Xiao, Rasul & Vollgraf 2017 (Zalando Research), MIT license."
MNIST_ATTRIBUTION = "MNIST test set, LeCun, Cortes & Burges, CC BY-SA 3.0."
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".pgm", ".ppm")


def shape_images(images: np.ndarray, normalize: bool, flatten: bool, channels: bool) -> np.ndarray:
    """float32 images in the layout the options ask for; normalize divides 8-bit pixels by 255 (to [0, 1])."""
    if flatten and channels:
        raise DataError("The options 'flatten' and 'channels' cannot both be on: pick flat vectors or image channels.")
    scale = 1.0 / 255.0 if normalize and images.dtype == np.uint8 else None
    x = to_float(images, scale)
    if flatten:
        return x.reshape(len(x), -1)
    if channels and x.ndim == 3:
        return x[:, None]
    return x


def load_image_label_pair(images_path: Path, labels_path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Decoded images and int64 labels, checked to be image and label files with matching counts."""
    images = read_idx(images_path)
    labels = read_idx(labels_path)
    if images.ndim < 2:
        raise DataError(
            f"The IDX file {describe(images_path)} holds {images.ndim}-dimensional data, not images; "
            "did you swap the images and labels files?"
        )
    if labels.ndim != 1:
        raise DataError(
            f"The IDX file {describe(labels_path)} holds {labels.ndim}-dimensional data, not one label per image; "
            "did you swap the images and labels files?"
        )
    if images.size == 0:
        raise DataError(f"The IDX file {describe(images_path)} contains no images.")
    if len(labels) != len(images):
        raise DataError(
            f"The label count does not match the image count: {describe(labels_path)} has {len(labels):,} labels "
            f"but {describe(images_path)} has {len(images):,} images."
        )
    if not np.issubdtype(labels.dtype, np.integer):
        raise DataError(f"The labels in {describe(labels_path)} are not whole numbers.")
    if labels.size and labels.min() < 0:
        raise DataError(f"The labels in {describe(labels_path)} include a negative class id ({int(labels.min())}).")
    return images, labels.astype(np.int64)


def _check_bundled(images: np.ndarray, labels: np.ndarray, num_classes: int, images_path: Path,
                   labels_path: Path) -> None:
    """The bundled sets must be 28x28 with ids 0..9; anything else means a damaged or swapped install."""
    if images.shape[1:] != (28, 28):
        raise DataError(f"The bundled file {describe(images_path)} holds images of shape {images.shape[1:]}, "
                        "not 28x28; the installation is damaged.")
    _check_labels(labels, num_classes, labels_path)


def _check_labels(labels: np.ndarray, num_classes: int, path: Path) -> None:
    if labels.size and labels.max() >= num_classes:
        raise DataError(f"The labels in {describe(path)} go up to {int(labels.max())}; expected 0..{num_classes - 1}.")


def load_fashion_mnist(options: dict[str, Any]) -> Dataset:
    folder = data_dir() / "fashion-mnist"
    paths = [folder / f"{s}-{k}-idx{d}-ubyte.gz" for s in ("train", "t10k") for k, d in (("images", 3), ("labels", 1))]
    x, y = load_image_label_pair(paths[0], paths[1])
    x_test, y_test = load_image_label_pair(paths[2], paths[3])
    _check_bundled(x, y, 10, paths[0], paths[1])
    _check_bundled(x_test, y_test, 10, paths[2], paths[3])
    shape = (options["normalize"], options["flatten"], options["channels"])
    return Dataset(
        id="fashion_mnist", title="Fashion-MNIST", task="classification",
        x=shape_images(x, *shape), y=y, x_test=shape_images(x_test, *shape), y_test=y_test,
        class_names=list(FASHION_CLASSES), attribution=FASHION_ATTRIBUTION,
        extra={"source": str(folder)},
    )


def load_mnist_test(options: dict[str, Any]) -> Dataset:
    """The 10k MNIST test images, split by position: first 10000 - test_size train, the rest test."""
    folder = data_dir() / "mnist"
    labels_path = folder / "t10k-labels-idx1-ubyte.gz"
    images_path = folder / "t10k-images-idx3-ubyte.gz"
    images, labels = load_image_label_pair(images_path, labels_path)
    _check_bundled(images, labels, 10, images_path, labels_path)
    test_size = int(options["test_size"])
    cut = len(images) - test_size
    x = shape_images(images, options["normalize"], options["flatten"], options["channels"])
    return Dataset(
        id="mnist_test", title="MNIST digits (10k)", task="classification",
        x=x[:cut], y=labels[:cut],
        x_test=x[cut:] if test_size else None, y_test=labels[cut:] if test_size else None,
        class_names=list(DIGIT_CLASSES), attribution=MNIST_ATTRIBUTION, extra={"source": str(folder)},
    )


def load_idx_files(options: dict[str, Any]) -> Dataset:
    """User IDX files; class ids are taken as they are, with class names "0".."k-1"."""
    x_raw, y = load_image_label_pair(options["images"], options["labels"])
    shape = (options["normalize"], options["flatten"], options["channels"])
    x_test = y_test = None
    if bool(options["test_images"]) != bool(options["test_labels"]):
        raise DataError("The options 'test_images' and 'test_labels' must be given together or both left empty.")
    if options["test_images"]:
        xt_raw, y_test = load_image_label_pair(options["test_images"], options["test_labels"])
        if xt_raw.shape[1:] != x_raw.shape[1:]:
            raise DataError(
                f"The test images in {describe(options['test_images'])} are {xt_raw.shape[1:]} but the training "
                f"images are {x_raw.shape[1:]}; they must be the same size."
            )
        x_test = shape_images(xt_raw, *shape)
    num_classes = class_count([y, y_test], f"{describe(options['labels'])}")
    return Dataset(
        id="idx", title=Path(options["images"]).name, task="classification",
        x=shape_images(x_raw, *shape), y=y, x_test=x_test, y_test=y_test,
        class_names=[str(i) for i in range(num_classes)], extra={"source": str(options["images"])},
    )


def load_image_folder(options: dict[str, Any]) -> Dataset:
    """One sub-folder per class (sorted by name), each image resized to size x size (aspect ratio not kept)."""
    from PIL import Image, UnidentifiedImageError

    root = Path(options["path"])
    if not root.exists():
        raise DataError(f"The folder '{root}' does not exist.")
    if not root.is_dir():
        raise DataError(f"{describe(root)} is a file; choose a folder that has one sub-folder per class.")
    class_dirs = sorted((p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")),
                        key=lambda p: p.name.lower())
    if not class_dirs:
        raise DataError(
            f"The folder {describe(root)} has no class sub-folders; put each class's images in a sub-folder "
            "named after the class."
        )
    files: list[tuple[Path, int]] = []
    for label, folder in enumerate(class_dirs):
        found = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
        files.extend((p, label) for p in found)
    if not files:
        raise DataError(
            f"The folder {describe(root)} has no images in its class sub-folders "
            f"(looked for {', '.join(IMAGE_SUFFIXES)})."
        )
    counts = np.bincount([label for _, label in files], minlength=len(class_dirs))
    empty = [class_dirs[i].name for i in np.flatnonzero(counts == 0)]
    if empty:
        raise DataError(f"The class folder '{empty[0]}' in {describe(root)} has no images.")
    size = int(options["size"])
    grayscale = bool(options["grayscale"])
    mode = "L" if grayscale else "RGB"
    x = np.empty((len(files), size, size) if grayscale else (len(files), size, size, 3), dtype=np.uint8)
    for i, (path, _) in enumerate(files):
        try:
            with Image.open(path) as image:
                image.draft(mode, (size, size))  # JPEG: decode at reduced size, much faster for photos
                if image.mode in ("P", "PA", "LA", "RGBA", "I;16", "I", "F") and mode == "RGB":
                    image = image.convert("RGBA").convert("RGB")
                image = image.convert(mode).resize((size, size), Image.Resampling.LANCZOS)
                x[i] = np.asarray(image, dtype=np.uint8)
        except (OSError, UnidentifiedImageError, ValueError) as exc:
            raise DataError(
                f"The image '{path.relative_to(root)}' in {describe(root)} could not be read ({exc})."
            ) from exc
    y = np.array([label for _, label in files], dtype=np.int64)
    if grayscale:
        data = shape_images(x, options["normalize"], options["flatten"], options["channels"])
    else:
        if options["flatten"]:
            data = shape_images(x, options["normalize"], True, False)
        else:  # colour always has a channel axis, channels-first as PyTorch's Conv2d expects
            data = np.ascontiguousarray(shape_images(x, options["normalize"], False, False).transpose(0, 3, 1, 2))
    return Dataset(
        id="image_folder", title=root.name, task="classification", x=data, y=y, x_test=None, y_test=None,
        class_names=[d.name for d in class_dirs],
        extra={"source": str(root), "files": [str(p.relative_to(root)) for p, _ in files]},
    )
