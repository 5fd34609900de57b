"""The workaround value of openness: what the global community adds to an open model family.

Once weights are out, people outside the lab fine-tune them, train them further with RL,
optimise inference and port them to other accelerators, on compute the lab does not own and
export controls on the lab do not reach. The addition to a family's effective capability is

    A_i = A_max * x_i / (1 + x_i),    x_i = D_i * u_i / T_i,
    D_i = compute_share * max(world stock - modelled labs' fleets, 0)
          * ((1 - home_share) + home_share * access_i),

where ``D_i`` is the compute of the open community working on lab ``i``'s models, ``u_i`` the
share of developers on its open releases (the size of its community) and ``T_i`` the lab's own
training compute. The addition saturates at ``A_max`` (fine-tuning and porting improve a model,
they do not retrain it) and is half of it when the community's compute on the family equals the
lab's own. A share ``home_share`` of that community works in the lab's home bloc, where
export controls cut frontier accelerators to the bloc's access share ``access_i``; the rest works
abroad, beyond the controls' reach. The addition grows with the community and with the compute
outside the lab, and the same community effort adds more to a lab with less compute of its own:
for a lab short of chips, openness is worth more, unless its community is cut off as much as
it is. The addition is a property of the open releases developers use; the lab does not absorb
it into its own next model (it is not one of the open models a lab imitates), so it does not
compound. The parameters are assumptions (``docs/ODD.md`` 7.4): ``A_max`` and ``compute_share``
decide how large the workaround is, ``home_share`` whether controls raise or lower it, and with
them the sign of the effect of export controls on openness.
"""

from __future__ import annotations

import numpy as np


def community_compute(world_stock_h100e: float, fleets: np.ndarray, compute_share: float,
                      home_share: float, access: np.ndarray) -> np.ndarray:
    """Accelerators (H100e) the open community puts into improving each lab's open models.

    Args:
        world_stock_h100e: installed world stock of accelerators.
        fleets: per lab, its fleet (the modelled labs' accelerators are not the community's).
        compute_share: share of the rest that the open community uses.
        home_share: share of a lab's community in its home bloc.
        access: per lab, the share of frontier chips its home bloc obtains under controls.
    """
    outside = compute_share * max(world_stock_h100e - float(fleets.sum()), 0.0)
    return outside * ((1.0 - home_share) + home_share * np.asarray(access, dtype=float))


def community_addition(open_users: np.ndarray, community_h100e: np.ndarray | float,
                       training: np.ndarray, max_oom: float) -> np.ndarray:
    """Capability (OOM) the community adds to each lab's open releases.

    Args:
        open_users: per lab, global share of developers on its open releases (0-1).
        community_h100e: per lab, its community's compute (:func:`community_compute`).
        training: per lab, its own training compute (H100e).
        max_oom: the most the community can add (OOM).
    """
    ratio = community_h100e * np.maximum(open_users, 0.0) / np.maximum(training, 1.0)
    return max_oom * ratio / (1.0 + ratio)
