/* The dashboard's map and charts (Apache ECharts, served by the app itself).
 * Data comes from the page (json_script blocks: no inline script, CSP script-src 'self');
 * map shapes from the unit's geo.json. Every chart can be saved as PNG (toolbox). */
(function () {
  "use strict";

  function init() {
    var root = document.getElementById("dashboard");
    var dataNode = document.getElementById("dashboard-data");
    if (!root || !dataNode || !window.echarts) return;
    var data = JSON.parse(dataNode.textContent);
    var t = JSON.parse(document.getElementById("dashboard-labels").textContent);
    var charts = [];
    var fileBase = data.unit.name + "-" + data.filters.year + "-" + data.filters.month;

    function chart(id) {
      var node = document.getElementById(id);
      if (!node) return null;
      var c = echarts.init(node, null, { renderer: "canvas" });
      charts.push(c);
      return c;
    }
    function toolbox(name) {
      return { right: 4, top: 0, feature: { saveAsImage: { title: t.save, name: fileBase + "-" + name, pixelRatio: 2, backgroundColor: "#fff" } } };
    }
    function drill(code) {
      var url = root.dataset.drillUrl.replace("000000000000", code);
      window.location.href = url + (root.dataset.query ? "?" + root.dataset.query : "");
    }

    // --- Map ----------------------------------------------------------------------------
    var mapChart = chart("map");
    if (mapChart && root.dataset.geoUrl) {
      mapChart.showLoading();
      fetch(root.dataset.geoUrl, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (geo) {
          var mapName = "unit-" + data.unit.code;
          echarts.registerMap(mapName, geo);
          var measure = data.filters.measure;
          var rows = data.children.filter(function (c) { return c.has_geo; });
          var values = rows.map(function (c) {
            return { name: c.name, code: c.code, value: c.measure === null ? "-" : c.measure, row: c };
          });
          var numbers = values.map(function (v) { return v.value; }).filter(function (v) { return v !== "-"; });
          var max = measure === "attainment" ? 120 : Math.max(1, Math.max.apply(null, numbers.concat([0])));
          var good = "#12b76a", mid = "#fdb022", bad = "#d92d20";
          mapChart.hideLoading();
          mapChart.setOption({
            title: { text: t.sketch, left: 4, top: 0, textStyle: { fontSize: 12, color: "#667085", fontWeight: "normal" } },
            toolbox: toolbox("map"),
            tooltip: {
              trigger: "item",
              formatter: function (p) {
                var r = p.data && p.data.row;
                if (!r) return p.name + "<br>" + t.no_data;
                var v = p.data.value === "-" ? t.no_data : p.data.value + (measure === "overdue" ? "" : "%");
                return p.name + "<br>" + t[measure] + ": " + v;
              }
            },
            visualMap: {
              type: "continuous", min: 0, max: max, left: 4, bottom: 4, calculable: true, itemHeight: 100,
              inRange: { color: measure === "attainment" ? [bad, mid, good] : [good, mid, bad] }
            },
            series: [{
              type: "map", map: mapName, roam: false, selectedMode: false,
              label: { show: true, fontSize: 10, color: "#1f2933" },
              emphasis: { label: { show: true }, itemStyle: { areaColor: "#84caff" } },
              itemStyle: { areaColor: "#eaecf0", borderColor: "#fff", borderWidth: 1 },
              data: values
            }]
          });
          mapChart.on("click", function (p) { if (p.data && p.data.code) drill(p.data.code); });
          root.dataset.mapRegions = String(geo.features.length);
        })
        .catch(function () { mapChart.hideLoading(); });
    }

    // --- Task status ------------------------------------------------------------------------
    var status = chart("chart-status");
    if (status) {
      var s = data.status;
      status.setOption({
        toolbox: toolbox("status"),
        tooltip: { trigger: "item" },
        legend: { bottom: 0 },
        color: ["#175cd3", "#12b76a", "#fdb022", "#d92d20"],
        series: [{
          type: "pie", radius: ["35%", "65%"], center: ["50%", "45%"], stillShowZeroSum: false,
          label: { formatter: "{b}\n{c}" },
          data: [
            { name: t.completed, value: s.completed },
            { name: t.green, value: s.green },
            { name: t.yellow, value: s.yellow },
            { name: t.red, value: s.red }
          ]
        }]
      });
    }

    // --- Completions per week -----------------------------------------------------------------
    var weeks = chart("chart-weeks");
    if (weeks) {
      weeks.setOption({
        toolbox: toolbox("weeks"),
        tooltip: { trigger: "axis" },
        grid: { left: 36, right: 12, top: 30, bottom: 30 },
        xAxis: { type: "category", data: data.weeks.map(function (w) { return w.week.slice(5); }) },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ type: "bar", name: t.completions, data: data.weeks.map(function (w) { return w.completed; }), itemStyle: { color: "#175cd3" } }]
      });
    }

    // --- Attainment by child unit ------------------------------------------------------------
    var att = chart("chart-attainment");
    if (att) {
      var withTarget = data.children.filter(function (c) { return c.indicator.attainment !== null; });
      att.setOption({
        toolbox: toolbox("attainment"),
        tooltip: { trigger: "axis" },
        grid: { left: 40, right: 12, top: 30, bottom: 60 },
        xAxis: { type: "category", data: withTarget.map(function (c) { return c.name; }), axisLabel: { rotate: 40, fontSize: 10 } },
        yAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
        series: [{
          type: "bar", name: t.attainment,
          data: withTarget.map(function (c) {
            var v = c.indicator.attainment;
            return { value: v, itemStyle: { color: v >= 100 ? "#12b76a" : v >= data.required ? "#fdb022" : "#d92d20" } };
          }),
          markLine: { symbol: "none", data: [{ yAxis: 100, name: t.target }, { yAxis: data.required, name: t.required }], lineStyle: { type: "dashed" } }
        }]
      });
      att.on("click", function (p) { var c = withTarget[p.dataIndex]; if (c) drill(c.code); });
    }

    // --- The ten most lagging units -----------------------------------------------------------
    var lag = chart("chart-lagging");
    if (lag) {
      var rowsLag = data.lagging.slice().reverse();
      lag.setOption({
        toolbox: toolbox("lagging"),
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { bottom: 0 },
        grid: { left: 90, right: 12, top: 30, bottom: 40 },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: rowsLag.map(function (r) { return r.name; }), axisLabel: { fontSize: 10 } },
        series: [
          { type: "bar", stack: "n", name: t.red, data: rowsLag.map(function (r) { return r.red; }), itemStyle: { color: "#d92d20" } },
          { type: "bar", stack: "n", name: t.yellow, data: rowsLag.map(function (r) { return r.yellow; }), itemStyle: { color: "#fdb022" } },
          { type: "bar", name: t.overdue, data: rowsLag.map(function (r) { return r.overdue; }), itemStyle: { color: "#7a271a" } }
        ]
      });
      lag.on("click", function (p) { var r = rowsLag[p.dataIndex]; if (r) drill(r.code); });
    }

    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
    root.dataset.ready = "1";
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
