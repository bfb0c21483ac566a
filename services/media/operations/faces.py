"""Where the face is, so that the square, card and story crops keep it.

OpenCV's Haar cascade for frontal faces (`haarcascade_frontalface_alt2.xml`, shipped inside the
opencv-python-headless wheel, so nothing is downloaded at run time, unlike YuNet or mediapipe's
models). Of the wheel's frontal cascades it was the fastest on textured photos (about 100 ms of CPU
against 165 ms for `default` on bench/media.py's photo, same face found) and the one with the fewest
false faces. It runs on a 560 px greyscale copy, in steps of 1.2x (1.1x cost twice as much). A
nomination photo is a portrait of one student, the case a frontal cascade is good at; when it finds
nothing (a profile, a face in shadow), the caller falls back to libvips's saliency crop
(`crop="attention"`: the region with the most skin tone, saturation and detail).
"""

from __future__ import annotations

import functools

import numpy
import pyvips

from services.media.rules import Box

#: The long edge of the copy the detector looks at: faces down to ~1/28 of the long edge are found.
DETECT_EDGE = 560


@functools.cache
def _cascade():  # type: ignore[no-untyped-def]
    import cv2

    cv2.setNumThreads(1)  # one photo per worker process; the worker's other photo runs elsewhere
    return cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_alt2.xml")


def largest_face(image: pyvips.Image) -> Box | None:
    """The biggest face in an upright sRGB image, in its pixel coordinates, or None."""
    scale = min(1.0, DETECT_EDGE / max(image.width, image.height))
    small = image.resize(scale) if scale < 1.0 else image
    grey = small.colourspace("b-w")[0]
    pixels = numpy.ascontiguousarray(grey.numpy())
    found = _cascade().detectMultiScale(pixels, scaleFactor=1.2, minNeighbors=4, minSize=(20, 20))
    if len(found) == 0:
        return None
    left, top, width, height = max(found, key=lambda box: box[2] * box[3])
    return Box(int(left), int(top), int(width), int(height)).scaled(1 / scale)
