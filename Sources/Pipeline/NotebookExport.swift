import Foundation

/// `export`: a Jupyter notebook that loads a pipeline's HDF5 files with h5py and draws the
/// papers' figures with matplotlib — Wigner-surmise histograms, the scaling collapse, pair
/// densities against the 2×2 GOE marginal, eigenvalue flows over snapshots and a map over two
/// hyper-parameters.
///
/// The notebook reads only what the files contain: axes by their dimension-scale names,
/// hyper-parameters from the `hyper_parameters` attribute, the surmise curve from `fit.h5`.
/// Sections whose data a pipeline does not have (no scaling fit, a single snapshot) say so
/// instead of failing. The data directory is written relative to the notebook, and the
/// environment variable `DYSON_DATA` overrides it.
public enum NotebookExport {
    /// Where `dyson export` writes by default.
    public static let defaultDirectory = "notebooks-export"

    /// The notebook of a pipeline whose outputs are in `layout`, to be saved in `notebookDirectory`.
    public static func notebook(title: String, source: String, layout: RunLayout, notebookDirectory: String) -> Notebook {
        let data = relativePath(from: notebookDirectory, to: layout.directory)
        return Notebook(cells: [
            .markdown("""
                # \(title)

                Exported by `dyson export` (dyson \(dysonVersion)) from `\(source)`. It reads the pipeline's HDF5 files \
                in `\(layout.directory)` with h5py and draws each figure with matplotlib; nothing else is needed. \
                Set `DYSON_DATA` to read another output directory (e.g. the paper-scale `-paper` one).
                """),
            .code(setupCell(data: data)),
            .code(openCell),
            .markdown("""
                ## Wigner surmise

                Histograms of s = S/⟨S⟩ per ensemble and level pair (`fit.h5`, group `histogram`), against the surmise \
                curve stored beside them (`surmise_s`, `surmise_density`), with the Monte Carlo–calibrated KS p-value.
                """),
            .code(surmiseCell),
            .markdown("""
                ## Linear scaling rule

                ⟨S⟩ against √(T·A) with jackknife errors and the fitted line ⟨S⟩ = a·√(T·A) (left); the collapse \
                ⟨S⟩/√(T·A) against T = α/|B| (right): the linear scaling rule says every point lies on a.
                """),
            .code(scalingCell),
            .markdown("""
                ## Pair densities

                The levels of each would-be degenerate pair (`spectra.h5` at the level indices `pair_lower`, `pair_upper` \
                of `unfolded.h5`) against the one-level density of a 2×2 GOE matrix (SPEC §4.4) with centre x₀ = \
                `mean_pair_level` and width σ = ⟨S⟩/√π from `fit.h5`.
                """),
            .code(pairDensityCell),
            .markdown("""
                ## Eigenvalue flows

                Median and 16–84 % band over seeds of every level against training step. From `spectra.h5` when it holds \
                several snapshots; otherwise recomputed with NumPy from the run files' recorded matrices (the matrix, \
                transform, normalisation and quantity named in `ensemble.h5` and `spectra.h5`).
                """),
            .code(flowCell),
            .markdown("""
                ## Map over two hyper-parameters

                ⟨S⟩/√(T·A) (or ⟨S⟩) and the KS p-value of pair 0 on the grid of the first two varying \
                hyper-parameters, one row per value of any others.
                """),
            .code(mapCell),
        ])
    }

    static func setupCell(data: String) -> String {
        """
        import os
        from pathlib import Path

        import h5py
        import numpy as np
        import matplotlib
        import matplotlib.pyplot as plt
        import matplotlib.ticker

        # The pipeline's output directory, relative to this notebook; DYSON_DATA overrides it.
        DATA = Path(os.environ.get("DYSON_DATA", \(pythonString(data))))
        MAX_PANELS = 24  # panels per figure; larger scans show their first ensembles


        def text(value):
            \"\"\"An HDF5 string attribute or element as str.\"\"\"
            return value.decode() if isinstance(value, bytes) else str(value)


        def open_stage(name, schema):
            \"\"\"DATA/name opened read-only after checking schema and version; None when it is missing.\"\"\"
            path = DATA / name
            if not path.exists():
                print(f"{path}: not found (run the pipeline first)")
                return None
            f = h5py.File(path, "r")
            found = text(f.attrs["schema"])
            if found != schema:
                raise ValueError(f"{path} is a {found} file, expected {schema}")
            if int(f.attrs["schema_version"]) > 1:
                raise ValueError(f"{path}: schema_version {int(f.attrs['schema_version'])} is newer than this notebook reads (1)")
            return f


        def axes(dataset):
            \"\"\"The names of a dataset's dimensions: the HDF5 dimension scales attached to them.\"\"\"
            return [dim[0].name.rsplit("/", 1)[-1] if len(dim) else None for dim in dataset.dims]


        def scalar(dataset):
            return float(np.ravel(dataset[()])[0])


        def ensemble_coordinates(f):
            \"\"\"{name: values along the ensemble axis} for every hyper-parameter and the step.\"\"\"
            names = [text(n) for n in f.attrs["hyper_parameters"]] + ["step"]
            return {n: f[n][:] for n in names if n in f and axes(f[n]) == ["ensemble"]}


        def varying(coords):
            return [n for n, v in coords.items() if len(np.unique(v)) > 1]


        def label(coords, e):
            \"\"\"The coordinates that vary between ensembles, for ensemble e (temperature = α/|B| only when alone).\"\"\"
            names = [n for n in varying(coords) if n != "temperature"] or varying(coords)
            return ", ".join(f"{n}={coords[n][e]:g}" for n in names) or f"ensemble {e}"


        def panel_grid(count, columns=4, width=3.4, height=2.7):
            columns = min(columns, count)
            rows = -(-count // columns)
            fig, grid = plt.subplots(rows, columns, figsize=(width * columns, height * rows), squeeze=False)
            for ax in grid.flat[count:]:
                ax.set_visible(False)
            return fig, list(grid.flat)
        """
    }

    static let openCell = """
        fit = open_stage("fit.h5", "dyson.fit")
        unfolded = open_stage("unfolded.h5", "dyson.unfolded")
        spectra = open_stage("spectra.h5", "dyson.spectra")
        ensemble = open_stage("ensemble.h5", "dyson.ensemble")
        for f in (fit, unfolded, spectra, ensemble):
            if f is not None:
                print(f"{f.filename}: {text(f.attrs['schema'])}, written {text(f.attrs['created'])} by dyson {text(f.attrs['dyson_version'])}")
        coords = ensemble_coordinates(fit)
        model = text(fit.attrs["model"])
        assert axes(fit["mean_pair_spacing"]) == ["ensemble", "pair"]
        ENSEMBLES, PAIRS = fit["mean_pair_spacing"].shape
        print(f"model {model}: {ENSEMBLES} ensembles x {PAIRS} level pairs; varying: {', '.join(varying(coords)) or 'nothing'}")
        """

    static let surmiseCell = """
        panels = [(e, p) for e in range(ENSEMBLES) for p in range(PAIRS)][:MAX_PANELS]
        fig, grid = panel_grid(len(panels))
        s, surmise = fit["surmise_s"][:], fit["surmise_density"][:]
        for ax, (e, p) in zip(grid, panels):
            if f"histogram/ensemble_{e}_pair_{p}" not in fit:  # fewer than 2 samples: not fitted
                ax.set_title(f"{label(coords, e)}, pair {p}\\nn = {fit['samples_used'][e, p]}: not fitted", fontsize=8)
                continue
            group = fit[f"histogram/ensemble_{e}_pair_{p}"]
            ax.stairs(group["density"][:], group["edges"][:], fill=True, alpha=0.45, label="measured")
            ax.plot(s, surmise, "k-", lw=1.2, label="Wigner surmise")
            ax.set_xlim(0, 3.5)
            ax.set_title(f"{label(coords, e)}, pair {p}\\nn = {fit['samples_used'][e, p]}, KS p = {fit['ks_p_value'][e, p]:.2g}", fontsize=8)
            ax.set_xlabel("s = S/⟨S⟩")
        grid[0].set_ylabel("P(s)")
        grid[0].legend(fontsize=7)
        if len(panels) < ENSEMBLES * PAIRS:
            print(f"showing {len(panels)} of {ENSEMBLES * PAIRS} histograms")
        fig.tight_layout()
        plt.show()
        """

    static let scalingCell = """
        if "scaling_x" not in fit:
            print("fit.h5 has no scaling fit (scaling_amplitude = \\"none\\")")
        else:
            x = fit["scaling_x"][:]
            y, dy = fit["mean_pair_spacing"][:], fit["mean_pair_spacing_error"][:]
            ratio, dratio = fit["scaling_ratio"][:], fit["scaling_ratio_error"][:]
            a, da = scalar(fit["scaling_slope"]), scalar(fit["scaling_slope_error"])
            chi2, dof = scalar(fit["scaling_chi2"]), int(scalar(fit["scaling_dof"]))
            fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
            for p in range(PAIRS):
                left.errorbar(x[:, p], y[:, p], dy[:, p], fmt="o", ms=4, capsize=2, label=f"pair {p}")
                right.errorbar(coords["temperature"], ratio[:, p], dratio[:, p], fmt="o", ms=4, capsize=2, label=f"pair {p}")
            line = np.linspace(0, 1.05 * np.nanmax(x), 50)  # NaN: ensembles too small to fit
            left.plot(line, a * line, "k-", lw=1, label=f"a = {a:.4f} ± {da:.4f}, χ²/dof = {chi2:.1f}/{dof}")
            left.set_xlabel(text(fit["scaling_x"].attrs["description"]).replace("sqrt", "√"))
            left.set_ylabel("⟨S⟩")
            left.legend(fontsize=7)
            right.axhline(a, color="k", lw=1)
            right.axhspan(a - da, a + da, color="k", alpha=0.15)
            right.set_xscale("log")
            temperatures = np.unique(coords["temperature"])
            if len(temperatures) <= 8:
                right.set_xticks(temperatures)
            right.xaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%g"))
            right.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
            right.set_xlabel("T = α/|B|")
            right.set_ylabel("⟨S⟩ / √(T·A)")
            fig.tight_layout()
            plt.show()
        """

    static let pairDensityCell = """
        from math import erf


        def goe_pair_density(x, centre, width):
            \"\"\"One level of a 2x2 GOE matrix (SPEC §4.4): exp(-u²/2)/(4√π σ)·[2exp(-u²/2) + √(2π) u erf(u/√2)].\"\"\"
            u = (x - centre) / width
            erfs = np.array([erf(v / np.sqrt(2)) for v in u])
            return np.exp(-u**2 / 2) / (4 * np.sqrt(np.pi) * width) * (2 * np.exp(-u**2 / 2) + np.sqrt(2 * np.pi) * u * erfs)


        if spectra is None or unfolded is None:
            print("needs spectra.h5 and unfolded.h5")
        else:
            assert axes(spectra["values"]) == ["sample", "level"]
            values = spectra["values"][:]
            member = spectra["sample_ensemble"][:]
            lower, upper = unfolded["pair_lower"][:], unfolded["pair_upper"][:]
            panels = [(e, p) for e in range(ENSEMBLES) for p in range(PAIRS)][:MAX_PANELS]
            fig, grid = panel_grid(len(panels))
            for ax, (e, p) in zip(grid, panels):
                rows = values[member == e]
                levels = np.concatenate([rows[:, lower[p]], rows[:, upper[p]]])
                levels = levels[np.isfinite(levels)]
                centre = fit["mean_pair_level"][e, p]
                width = fit["mean_pair_spacing"][e, p] / np.sqrt(np.pi)
                ax.hist(levels, bins="fd", density=True, alpha=0.45, label="levels")
                grid_x = np.linspace(centre - 4 * width, centre + 4 * width, 200)
                ax.plot(grid_x, goe_pair_density(grid_x, centre, width), "k-", lw=1.2, label="2×2 GOE")
                ax.set_title(f"{label(coords, e)}, levels {lower[p]}, {upper[p]}", fontsize=8)
                ax.set_xlabel(text(spectra.attrs["quantity"]).replace("_", " "))
            grid[0].set_ylabel("ρ(x)")
            grid[0].legend(fontsize=7)
            fig.tight_layout()
            plt.show()
        """

    static let flowCell = """
        def run_path(recorded):
            \"\"\"A run file as recorded by snapshot (relative to where dyson ran) or inside DATA/simulate.\"\"\"
            for candidate in (Path(recorded), DATA / "simulate" / Path(recorded).name):
                if candidate.exists():
                    return candidate
            return None


        def spectrum(matrices, transform, normalise, quantity, teacher=None):
            \"\"\"The levels of every matrix [seed, row, col], as snapshot + diagonalise compute them.\"\"\"
            w = matrices
            if transform == "WtW":
                w = np.einsum("sij,sik->sjk", w, w)
            elif transform == "WWt":
                w = np.einsum("sij,skj->sik", w, w)
            elif transform == "symmetric":
                w = (w + np.swapaxes(w, 1, 2)) / 2
            elif transform == "minus_teacher":
                w = w - teacher
            if normalise == "rows":
                w = w / matrices.shape[1]
            elif normalise == "columns":
                w = w / matrices.shape[2]
            if quantity == "eigenvalues":
                return np.linalg.eigvalsh(w)
            return np.sort(np.linalg.svd(w, compute_uv=False), axis=1)


        def draw_flow(ax, steps, levels, title):
            \"\"\"levels [snapshot, seed, level]: median and 16-84 % band over seeds per level.\"\"\"
            for k in range(levels.shape[2]):
                low, mid, high = np.nanpercentile(levels[:, :, k], [16, 50, 84], axis=1)
                ax.plot(steps, mid, lw=1)
                ax.fill_between(steps, low, high, alpha=0.2)
            ax.set_title(title, fontsize=8)
            ax.set_xlabel("step")


        flows = []  # (steps, levels [snapshot, seed, level], title)
        if spectra is not None and len(np.unique(spectra["sample_step"][:])) > 1:
            values, member = spectra["values"][:], spectra["sample_ensemble"][:]
            params = [n for n in varying(coords) if n != "step"]
            for point in sorted({tuple(coords[n][e] for n in params) for e in range(ENSEMBLES)}):
                chosen = [e for e in range(ENSEMBLES) if tuple(coords[n][e] for n in params) == point]
                chosen.sort(key=lambda e: coords["step"][e])
                count = min(int((member == e).sum()) for e in chosen)
                levels = np.stack([values[member == e][:count] for e in chosen])
                shown = [(n, v) for n, v in zip(params, point) if n != "temperature"] or list(zip(params, point))
                flows.append((coords["step"][chosen], levels, ", ".join(f"{n}={v:g}" for n, v in shown) or "all"))
            source = "spectra.h5"
        elif spectra is not None and ensemble is not None:
            matrix, transform = text(ensemble.attrs["matrix_name"]), text(ensemble.attrs["transform"])
            normalise, quantity = text(ensemble.attrs["normalise"]), text(spectra.attrs["quantity"])
            for recorded in [text(r) for r in spectra["run_file"][:]][:MAX_PANELS]:
                path = run_path(recorded)
                if path is None:
                    print(f"{recorded}: run file not found; no flow for it")
                    continue
                with h5py.File(path, "r") as run:
                    assert axes(run[matrix])[:2] == ["snapshot", "seed"]
                    teacher = None
                    for name in run:
                        if name != matrix and isinstance(run[name], h5py.Dataset) and text(run[name].attrs.get("target", "")) == matrix:
                            teacher = run[name][:]
                    steps = run["step"][:]
                    ok = run["status_code"][:] == 0
                    levels = np.stack([spectrum(run[matrix][k], transform, normalise, quantity, teacher) for k in range(len(steps))])
                    levels[~ok] = np.nan
                    names = [text(n) for n in run.attrs["hyper_parameters"]]
                    title = ", ".join(f"{n}={scalar(run[n]):g}" for n in names if n in varying(coords) and n != "temperature") or path.stem
                    flows.append((steps, levels, title))
            source = "the run files"
        if not flows:
            print("no snapshots to draw a flow from")
        else:
            fig, grid = panel_grid(len(flows), columns=3, width=3.8)
            for ax, (steps, levels, title) in zip(grid, flows):
                draw_flow(ax, steps, levels, title)
            grid[0].set_ylabel(text(spectra.attrs["quantity"]).replace("_", " "))
            fig.suptitle(f"eigenvalue flows from {source}", fontsize=9)
            fig.tight_layout()
            plt.show()
        """

    static let mapCell = """
        params = [n for n in varying(coords) if n not in ("step", "temperature")]
        if len(params) < 2:
            print(f"{len(params)} hyper-parameter(s) vary ({', '.join(params) or 'none'}); a map needs two")
        else:
            # The first two varying hyper-parameters span the map; one row per value of the others
            # (at most 4); where several snapshots share a cell, the last one is shown.
            xname, yname, rest = params[0], params[1], params[2:]
            xs, ys = np.unique(coords[xname]), np.unique(coords[yname])
            key = lambda e: tuple(coords[n][e] for n in rest)
            slices = sorted({key(e) for e in range(ENSEMBLES)})[:4]
            ratio = "scaling_ratio" in fit
            shown = [(fit["scaling_ratio"][:, 0] if ratio else fit["mean_pair_spacing"][:, 0], "⟨S⟩/√(T·A)" if ratio else "⟨S⟩"),
                     (fit["ks_p_value"][:, 0], "KS p")]
            fig, grid = plt.subplots(len(slices), 2, figsize=(10, 3.8 * len(slices)), squeeze=False)
            for row, fixed in enumerate(slices):
                members = sorted((e for e in range(ENSEMBLES) if key(e) == fixed), key=lambda e: coords["step"][e])
                suffix = "".join(f", {n}={v:g}" for n, v in zip(rest, fixed))
                for ax, (values, title) in zip(grid[row], shown):
                    cells = np.full((len(ys), len(xs)), np.nan)
                    for e in members:
                        cells[np.searchsorted(ys, coords[yname][e]), np.searchsorted(xs, coords[xname][e])] = values[e]
                    image = ax.imshow(cells, origin="lower", aspect="auto", cmap="viridis")
                    ax.set_xticks(range(len(xs)), [f"{v:g}" for v in xs])
                    ax.set_yticks(range(len(ys)), [f"{v:g}" for v in ys])
                    ax.set_xlabel(xname)
                    ax.set_ylabel(yname)
                    ax.set_title(f"{title}, pair 0{suffix}", fontsize=9)
                    fig.colorbar(image, ax=ax)
            fig.tight_layout()
            plt.show()
        """

    /// A Python string literal.
    static func pythonString(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
