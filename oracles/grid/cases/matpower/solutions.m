% Writes MATPOWER's own power-flow solutions of its case files as JSON: the references the importer tests compare
% against. Usage (Octave or MATLAB, MATPOWER checkout in MATPOWER_DIR):
%   MATPOWER_DIR=/path/to/matpower CASES=case9,case141 QLIMS=0 OUT=solutions.json octave -q solutions.m
mp = getenv('MATPOWER_DIR');
addpath(fullfile(mp, 'lib')); addpath(fullfile(mp, 'mips', 'lib')); addpath(fullfile(mp, 'mp-opt-model', 'lib'));
addpath(fullfile(mp, 'mptest', 'lib')); addpath(fullfile(mp, 'data'));
define_constants;
names = strsplit(getenv('CASES'), ',');
qlims = str2num(getenv('QLIMS'));
fid = fopen(getenv('OUT'), 'w');
fprintf(fid, '{\n');
for c = 1:numel(names)
  name = names{c};
  mpopt = mpoption('verbose', 0, 'out.all', 0, 'pf.enforce_q_lims', qlims);
  mpc = loadcase(name);
  if qlims
    % FlexGrid never limits the slack (the HV grid behind the primary substation): lift the reference
    % generators' Q limits so MATPOWER does not move the slack either.
    refbus = mpc.bus(mpc.bus(:, BUS_TYPE) == REF, BUS_I);
    isref = ismember(mpc.gen(:, GEN_BUS), refbus);
    mpc.gen(isref, QMAX) = Inf;
    mpc.gen(isref, QMIN) = -Inf;
  end
  r = runpf(mpc, mpopt);
  on = find(r.bus(:, BUS_TYPE) ~= NONE);
  [vmin, imin] = min(r.bus(on, VM)); [vmax, imax] = max(r.bus(on, VM));
  loss = sum(real(get_losses(r))) * 1000;
  ref = find(r.bus(:, BUS_TYPE) == REF);
  refgen = find(ismember(r.gen(:, GEN_BUS), r.bus(ref, BUS_I)) & r.gen(:, GEN_STATUS) > 0);
  fprintf(fid, '  "%s": {"success": %d, "iterations": %d, "lossKw": %.9g, "minVPu": %.12g, "minVBus": "%d", "maxVPu": %.12g, "maxVBus": "%d", "slackKw": %.9g, "slackKvar": %.9g', ...
    name, r.success, r.iterations, loss, vmin, r.bus(on(imin), BUS_I), vmax, r.bus(on(imax), BUS_I), sum(r.gen(refgen, PG))*1000, sum(r.gen(refgen, QG))*1000);
  if numel(on) <= 300
    fprintf(fid, ', "bus": [');
    for k = 1:numel(on)
      if k > 1, fprintf(fid, ','); end
      fprintf(fid, '[%d,%.12g,%.12g]', r.bus(on(k), BUS_I), r.bus(on(k), VM), r.bus(on(k), VA));
    end
    fprintf(fid, ']');
  end
  if c < numel(names), fprintf(fid, '},\n'); else fprintf(fid, '}\n'); end
end
fprintf(fid, '}\n');
fclose(fid);
