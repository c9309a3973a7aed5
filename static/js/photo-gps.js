// Report form: when a chosen JPEG carries a GPS position and no place is given yet,
// offer it first: fill the visible lat/lon inputs and say so (the user may change them).
(function () {
  "use strict";
  var input = document.getElementById("photos");
  var lat = document.getElementById("lat");
  var lon = document.getElementById("lon");
  var note = document.getElementById("photo-gps-note");
  if (!input || !lat || !lon || !window.FileReader || !window.DataView) { return; }

  function gps(buffer) {
    var view = new DataView(buffer);
    if (view.byteLength < 4 || view.getUint16(0) !== 0xFFD8) { return null; }
    var offset = 2;
    while (offset + 4 < view.byteLength) {
      var marker = view.getUint16(offset), size = view.getUint16(offset + 2);
      if (marker === 0xFFE1 && view.getUint32(offset + 4) === 0x45786966) { return tiff(view, offset + 10); }
      if ((marker & 0xFF00) !== 0xFF00) { return null; }
      offset += 2 + size;
    }
    return null;
  }
  function tiff(view, start) {
    var little = view.getUint16(start) === 0x4949;
    var u16 = function (o) { return view.getUint16(start + o, little); };
    var u32 = function (o) { return view.getUint32(start + o, little); };
    var ifd = u32(4), count = u16(ifd), gpsAt = null, i;
    for (i = 0; i < count; i++) {
      if (u16(ifd + 2 + i * 12) === 0x8825) { gpsAt = u32(ifd + 2 + i * 12 + 8); }
    }
    if (gpsAt === null) { return null; }
    var tags = {}, n = u16(gpsAt);
    for (i = 0; i < n; i++) {
      var entry = gpsAt + 2 + i * 12, tag = u16(entry), valueAt = entry + 8;
      if (tag === 1 || tag === 3) { tags[tag] = String.fromCharCode(view.getUint8(start + valueAt)); }
      if (tag === 2 || tag === 4) {
        var at = u32(valueAt), parts = [];
        for (var k = 0; k < 3; k++) { parts.push(u32(at + k * 8) / (u32(at + k * 8 + 4) || 1)); }
        tags[tag] = parts[0] + parts[1] / 60 + parts[2] / 3600;
      }
    }
    if (tags[2] === undefined || tags[4] === undefined) { return null; }
    return [tags[1] === "S" ? -tags[2] : tags[2], tags[3] === "W" ? -tags[4] : tags[4]];
  }
  input.addEventListener("change", function () {
    if (lat.value || lon.value || !input.files.length) { return; }
    var reader = new FileReader();
    reader.onload = function () {
      var found = null;
      try { found = gps(reader.result); } catch (e) { found = null; }
      if (!found) { return; }
      lat.value = found[0].toFixed(6);
      lon.value = found[1].toFixed(6);
      lat.dispatchEvent(new Event("change"));
      if (note) { note.hidden = false; }
    };
    reader.readAsArrayBuffer(input.files[0].slice(0, 256 * 1024));
  });
}());
