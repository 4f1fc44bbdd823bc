"""Uploads: validated by content, extracted or probed, stored in the media library."""

from __future__ import annotations

import subprocess
import zlib
from pathlib import Path

import docx
import pytest
from PIL import Image

from studio.engine import MAX_UPLOAD_BYTES, IngestError, ingest_file
from studio.engine.sniff import sniff

TEXT = "さくらカフェの新作「さくらラテ」が登場しました。春の香りをお楽しみください。"


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True, timeout=60)


@pytest.fixture
def media(tmp_path: Path) -> Path:
    return tmp_path / "media"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "cp932", "shift_jis", "euc_jp", "iso2022_jp"]
)
def test_text_in_any_japanese_encoding(tmp_path: Path, media: Path, encoding: str) -> None:
    src = write(tmp_path, "script.txt", (TEXT + "\r\n駅から徒歩三分。").encode(encoding))
    got = ingest_file("台本.txt", src, media)
    assert got.kind == "text"
    assert got.text == TEXT + "\n駅から徒歩三分。"
    assert got.path.parent == media and got.path.exists() and got.name == "台本.txt"


def test_docx(tmp_path: Path, media: Path) -> None:
    document = docx.Document()
    document.add_paragraph("春の新メニュー")
    document.add_paragraph(TEXT)
    document.save(str(tmp_path / "a.docx"))
    got = ingest_file("a.docx", tmp_path / "a.docx", media)
    assert got.kind == "text" and got.text == "春の新メニュー\n" + TEXT
    assert got.path.suffix == ".docx"


def _pdf_with_text(text: str) -> bytes:
    """A minimal PDF whose text layer is ``text`` (Type0 font, ToUnicode map)."""
    chars = sorted(set(text))
    cid = {ch: i + 1 for i, ch in enumerate(chars)}
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CMapName /Custom def /CMapType 2 def\n"
        "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        f"{len(chars)} beginbfchar\n"
        + "".join(f"<{cid[ch]:04X}> <{ord(ch):04X}>\n" for ch in chars)
        + "endbfchar endcmap CMapName currentdict /CMap defineresource pop end end\n"
    )
    content = "BT /F1 12 Tf 20 100 Td <" + "".join(f"{cid[ch]:04X}" for ch in text) + "> Tj ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 200]"
        " /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type0 /BaseFont /Dummy /Encoding /Identity-H"
        " /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Dummy /CIDSystemInfo"
        " << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>",
        f"<< /Length {len(cmap)} >>\nstream\n{cmap}endstream",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (
        f"trailer << /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out


def test_pdf_text_layer(tmp_path: Path, media: Path) -> None:
    src = write(tmp_path, "flyer.pdf", _pdf_with_text(TEXT))
    got = ingest_file("flyer.pdf", src, media)
    assert got.kind == "text" and got.text == TEXT


def test_pdf_without_text_layer_is_explained(tmp_path: Path, media: Path) -> None:
    Image.new("RGB", (200, 100), "white").save(tmp_path / "scan.pdf")
    with pytest.raises(IngestError) as err:
        ingest_file("scan.pdf", tmp_path / "scan.pdf", media)
    assert err.value.code == 4001 and "文字情報" in err.value.message


def test_srt_gives_cues(tmp_path: Path, media: Path) -> None:
    srt = (
        "1\n00:00:00,500 --> 00:00:02,000\nようこそ。\n\n"
        "2\n00:00:02,500 --> 00:00:04,000\n春限定です。\n"
    )
    got = ingest_file("sub.srt", write(tmp_path, "sub.srt", srt.encode("cp932")), media)
    assert got.kind == "subtitles"
    assert [(c.start_ms, c.end_ms, c.text) for c in got.cues] == [
        (500, 2000, "ようこそ。"),
        (2500, 4000, "春限定です。"),
    ]
    assert got.text == "ようこそ。\n春限定です。"


@pytest.mark.parametrize(
    "fmt,ext", [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp"), ("GIF", "gif")]
)
def test_images(tmp_path: Path, media: Path, fmt: str, ext: str) -> None:
    Image.new("RGB", (320, 240), (200, 80, 120)).save(tmp_path / f"p.{ext}", fmt)
    got = ingest_file(f"写真.{ext}", tmp_path / f"p.{ext}", media)
    assert (got.kind, got.width, got.height) == ("image", 320, 240)
    assert got.path.exists() and got.path.suffix == f".{ext}"


def test_image_exif_rotation_gives_display_size(tmp_path: Path, media: Path) -> None:
    img = Image.new("RGB", (320, 240), "red")
    exif = img.getexif()
    exif[0x0112] = 6  # rotate 90° on display
    img.save(tmp_path / "r.jpg", exif=exif)
    got = ingest_file("r.jpg", tmp_path / "r.jpg", media)
    assert (got.width, got.height) == (240, 320)


@pytest.mark.parametrize(
    "ext,codec",
    [
        ("mp4", ["-c:v", "libx264"]),
        ("mov", ["-c:v", "libx264"]),
        ("avi", ["-c:v", "mpeg4"]),
        ("webm", ["-c:v", "libvpx"]),
        ("mkv", ["-c:v", "libx264"]),
    ],
)
def test_clips(tmp_path: Path, media: Path, ext: str, codec: list[str]) -> None:
    src = tmp_path / f"c.{ext}"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=1.5", *codec, str(src))
    got = ingest_file(f"clip.{ext}", src, media)
    assert (got.kind, got.width, got.height) == ("video", 320, 180)
    assert got.duration_ms is not None and 1400 <= got.duration_ms <= 1600


@pytest.mark.parametrize(
    "ext,codec",
    [
        ("mp3", ["-c:a", "libmp3lame"]),
        ("wav", []),
        ("m4a", ["-c:a", "aac"]),
        ("aac", ["-c:a", "aac"]),
    ],
)
def test_audio(tmp_path: Path, media: Path, ext: str, codec: list[str]) -> None:
    src = tmp_path / f"a.{ext}"
    ffmpeg("-f", "lavfi", "-i", "sine=f=440:d=2", *codec, str(src))
    got = ingest_file(f"曲.{ext}", src, media)
    assert got.kind == "audio" and got.duration_ms is not None and 1800 <= got.duration_ms <= 2200


def test_content_wins_over_extension(tmp_path: Path, media: Path) -> None:
    Image.new("RGB", (64, 64)).save(tmp_path / "x.png", "PNG")
    renamed = tmp_path / "photo.jpg"
    renamed.write_bytes((tmp_path / "x.png").read_bytes())
    got = ingest_file("photo.jpg", renamed, media)
    assert got.kind == "image" and got.path.suffix == ".png"


@pytest.mark.parametrize(
    "name,data",
    [
        ("virus.exe", b"MZ\x90\x00" + bytes(100)),
        ("fake.mp4", b"this is not a video at all" * 10),
        ("fake.jpg", "ただの文章です。".encode()),
        ("broken.png", b"\x89PNG\r\n\x1a\n" + bytes(40)),
        ("noise.txt", bytes(range(256)) * 8),
        ("empty.txt", b""),
        ("blank.txt", "  \n\u3000\n".encode()),
        ("fake.docx", b"PK\x03\x04" + bytes(60)),
        ("fake.pdf", b"%PDF-1.4 garbage"),
        ("data.zip", zlib.compress(b"x")),
        ("half.mp3", b"ID3\x03\x00\x00\x00\x00\x00\x00" + bytes(50)),
    ],
)
def test_bad_input_is_4001_with_a_message(
    tmp_path: Path, media: Path, name: str, data: bytes
) -> None:
    src = write(tmp_path, "upload.bin", data)
    with pytest.raises(IngestError) as err:
        ingest_file(name, src, media)
    assert err.value.code == 4001
    assert err.value.message and all(ord(c) < 0x10000 for c in err.value.message)
    assert not media.exists() or not any(media.iterdir())  # nothing half-stored


def test_truncated_video_is_rejected(tmp_path: Path, media: Path) -> None:
    src = tmp_path / "c.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=2", "-c:v", "libx264", str(src))
    cut = write(tmp_path, "cut.mp4", src.read_bytes()[:3000])
    with pytest.raises(IngestError) as err:
        ingest_file("cut.mp4", cut, media)
    assert err.value.code == 4001


def test_too_large_is_4002(tmp_path: Path, media: Path) -> None:
    src = tmp_path / "huge.mp4"
    with src.open("wb") as fh:
        fh.truncate(MAX_UPLOAD_BYTES + 1)  # sparse: no disk used
    with pytest.raises(IngestError) as err:
        ingest_file("huge.mp4", src, media)
    assert err.value.code == 4002 and "200MB" in err.value.message


def test_same_upload_twice_is_stored_once(tmp_path: Path, media: Path) -> None:
    src = write(tmp_path, "s.txt", TEXT.encode())
    a = ingest_file("s.txt", src, media)
    b = ingest_file("s.txt", src, media)
    assert a.path == b.path and len(list(media.iterdir())) == 1


def test_sniff() -> None:
    assert sniff(b"\xff\xd8\xff\xe0") == "jpeg"
    assert sniff(b"\x00\x00\x00\x20ftypM4A \x00") == "m4a"
    assert sniff(b"\x00\x00\x00\x14ftypqt  \x00") == "mov"
    assert sniff(b"\x00\x00\x00\x20ftypisom\x00") == "mp4"
    assert sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "webp"
    assert sniff(b"\xff\xf1\x50\x80") == "aac"
    assert sniff(b"\xff\xfb\x90\x00") == "mp3"
    assert sniff(b"hello") is None
